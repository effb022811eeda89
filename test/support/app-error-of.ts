import { expect } from 'vitest';
import { AppError } from '../../src/main/app-error';

/** The AppError `call` rejects with; the test fails where it resolves or rejects otherwise. */
export async function appErrorOf(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
