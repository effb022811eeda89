import type { z } from 'zod';
import {
  bridgeCallNames,
  bridgeCalls,
  type BridgeCallName,
  type BridgeResult,
  type CallInput,
  type CallOutput,
} from '../shared/contract';
import { toBridgeError } from './app-error';
import type { Logger } from './logger';
import { isTrustedSender } from './security/trusted-sender';

export type CallHandlers = {
  [K in BridgeCallName]: (input: CallInput<K>) => Promise<CallOutput<K>>;
};

export interface BridgeDispatcher {
  dispatch(name: unknown, input: unknown, senderUrl: string): Promise<BridgeResult<unknown>>;
}

/**
 * The one place a bridge call from a page enters the main process, in the app (ipcMain) and in
 * the browser test harness (Playwright's exposeBinding) alike: sender check, input validation,
 * the handler, and errors turned into a code and a user-facing message.
 */
export function createBridgeDispatcher(options: {
  handlers: CallHandlers;
  trustedOrigins: () => readonly string[];
  logger: Logger;
}): BridgeDispatcher {
  const { handlers, logger } = options;
  return {
    async dispatch(name, input, senderUrl) {
      if (!isBridgeCallName(name)) {
        return failure(
          'unknown_call',
          'The app asked for an action it does not know. Restart the app.',
        );
      }
      if (!isTrustedSender(senderUrl, options.trustedOrigins())) {
        logger.warn({ call: name }, 'bridge call refused: sender is not an app page');
        return failure('untrusted_sender', 'This page is not allowed to use the app.');
      }
      const parsed = bridgeCalls[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        return failure('invalid_input', describeInvalidInput(parsed.error));
      }
      try {
        const handler = handlers[name] as (value: unknown) => Promise<unknown>;
        return { ok: true, value: await handler(parsed.data) };
      } catch (error) {
        const bridgeError = toBridgeError(error);
        if (bridgeError.code === 'internal') {
          logger.error({ call: name, err: error }, 'bridge call failed');
        } else {
          logger.info({ call: name, code: bridgeError.code }, 'bridge call refused');
        }
        return { ok: false, error: bridgeError };
      }
    },
  };
}

function isBridgeCallName(name: unknown): name is BridgeCallName {
  return typeof name === 'string' && (bridgeCallNames as readonly string[]).includes(name);
}

function failure(code: 'unknown_call' | 'untrusted_sender' | 'invalid_input', message: string) {
  return { ok: false as const, error: { code, message } };
}

function describeInvalidInput(error: z.ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return 'The request was not valid.';
  const field = first.path.join('.');
  return field === '' ? first.message : `${field}: ${first.message}`;
}
