// Not from the contract: that would bring every call's schema into the window's first load.
import { windowErrorTextMax, type WindowErrorSource } from '../../shared/window-errors';
import { onboarding } from './bridge';

const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** Tells main about an error the window caught, for its log; never fails, never waits. */
export function reportWindowError(
  source: WindowErrorSource,
  error: unknown,
  componentStack?: string | null,
): void {
  const message =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `Non-error thrown: ${String(error)}`;
  const stack = error instanceof Error ? error.stack : undefined;
  try {
    void onboarding()
      .reportWindowError({
        source,
        message: cut(message, windowErrorTextMax.message),
        ...(stack !== undefined && { stack: cut(stack, windowErrorTextMax.stack) }),
        ...(componentStack && { componentStack: cut(componentStack, windowErrorTextMax.stack) }),
      })
      .catch(() => undefined);
  } catch {
    // No bridge (the page opened outside the app): nothing to report to.
  }
}

/**
 * Errors that reach the window from outside React's drawing (event handlers, timers, promises
 * nothing waited for) go to main's log too.
 */
export function reportUnhandledWindowErrors(): void {
  window.addEventListener('error', (event) =>
    reportWindowError('script', event.error ?? event.message),
  );
  window.addEventListener('unhandledrejection', (event) =>
    reportWindowError('promise', event.reason),
  );
}
