import type { BridgeError, BridgeErrorCode } from '../shared/contract';

/**
 * An error whose message is written for the person using the app: it says what happened and what
 * to do, and never carries a stack, a secret or a raw server response.
 */
export class AppError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'AppError';
  }
}

export const internalErrorMessage =
  'Something went wrong inside the app. Try again; if it keeps happening, restart the app and send its log file to support.';

export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof AppError) return { code: error.code, message: error.userMessage };
  return { code: 'internal', message: internalErrorMessage };
}
