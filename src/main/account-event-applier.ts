import { isAccountEvent, type StackOneWebhook } from '../shared/webhook-event';
import type { AccountStore } from './account-store';
import type { Logger } from './logger';
import type { StackOneApi } from './stackone-api';

/**
 * Applies one account webhook. Events are hints: for a created or updated account the state is
 * read from StackOne itself, so duplicates and out-of-order delivery converge on the truth.
 * Resolves to `verify_later` where StackOne could not be asked: the account's state is then to be
 * read again later (reconciliation), as the event is taken all the same.
 */
export async function applyAccountEvent(
  event: StackOneWebhook,
  deps: { store: AccountStore; api: StackOneApi; logger: Logger },
): Promise<'done' | 'verify_later'> {
  const { store, api, logger } = deps;
  if (!isAccountEvent(event.event)) {
    logger.debug({ event: event.event }, 'ignoring non-account event');
    return 'done';
  }
  const accountId = event.account_id;
  const customerId = event.origin_owner_id ?? store.getAccount(accountId)?.customerId;
  // A company's relay carries every implementer's customers; this app keeps only its own, and
  // a customer added later has its accounts read from StackOne then.
  if (customerId === undefined || store.getCustomer(customerId) === undefined) {
    logger.debug({ event: event.event }, 'ignoring an event for a customer not in this app');
    return 'done';
  }
  if (event.event === 'account.deleted') {
    store.applyDeleted({ id: accountId, customerId, provider: event.provider });
    return 'done';
  }
  if (store.isDeleted(accountId)) return 'done';
  try {
    const account = await api.getAccount(accountId);
    if (account === null) {
      store.applyDeleted({ id: accountId, customerId, provider: event.provider });
    } else {
      store.applyVerified(account);
    }
    return 'done';
  } catch (error) {
    // StackOne could not be asked now; keep what the event told us and let reconciliation finish.
    logger.warn(
      { accountId, err: error instanceof Error ? error.message : 'unknown' },
      'could not verify account',
    );
    store.recordPending({ id: accountId, customerId, provider: event.provider });
    return 'verify_later';
  }
}
