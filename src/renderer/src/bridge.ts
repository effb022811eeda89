import type { BridgeResult, OnboardingBridge } from '../../shared/contract';

declare global {
  interface Window {
    onboarding: OnboardingBridge;
  }
}

export const onboarding = (): OnboardingBridge => window.onboarding;

/** Thrown by `unwrap` with the message main wrote for the user. */
export class BridgeCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function unwrap<T>(result: Promise<BridgeResult<T>>): Promise<T> {
  const settled = await result;
  if (settled.ok) return settled.value;
  throw new BridgeCallError(settled.error.code, settled.error.message);
}

export const messageOf = (error: unknown): string =>
  error instanceof BridgeCallError
    ? error.message
    : 'The app could not reach its background service. Restart the app.';

/** Main, or StackOne, has no such customer or account: what showed it goes with it. */
export const isRecordGone = (error: unknown): boolean =>
  error instanceof BridgeCallError && error.code === 'not_found';
