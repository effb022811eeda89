import { isAccountEvent, type StackOneWebhook } from '../shared/webhook-event';
import type { AccountStore } from './account-store';
import type { Logger } from './logger';
import type { StackOneApi } from './stackone-api';

/**
 * Applies one account webhook. Events are hints: for a created or updated account the state is
 * read from StackOne itself, so duplicates and out-of-order delivery converge on the truth.
 */
export async function applyAccountEvent(
  event: StackOneWebhook,
  deps: { store: AccountStore; api: StackOneApi; logger: Logger },
): Promise<void> {
  const { store, api, logger } = deps;
  if (!isAccountEvent(event.event)) {
    logger.debug({ event: event.event }, 'ignoring non-account event');
    return;
  }
  const accountId = event.account_id;
  const customerId = event.origin_owner_id ?? store.getAccount(accountId)?.customerId;
  // A company's relay carries every implementer's customers; this app keeps only its own, and
  // a customer added later has its accounts read from StackOne then.
  if (customerId === undefined || store.getCustomer(customerId) === undefined) {
    logger.debug({ event: event.event }, 'ignoring an event for a customer not in this app');
    return;
  }
  if (event.event === 'account.deleted') {
    store.applyDeleted({ id: accountId, customerId, provider: event.provider });
    return;
  }
  if (store.isDeleted(accountId)) return;
  try {
    const account = await api.getAccount(accountId);
    if (account === null) {
      store.applyDeleted({ id: accountId, customerId, provider: event.provider });
    } else {
      store.applyVerified(account);
    }
  } catch (error) {
    // StackOne could not be asked now; keep what the event told us and let reconciliation finish.
    logger.warn(
      { accountId, err: error instanceof Error ? error.message : 'unknown' },
      'could not verify account',
    );
    store.recordPending({ id: accountId, customerId, provider: event.provider });
  }
}
