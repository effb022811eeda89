import type { Logger } from './logger';
import type { AccountStore } from './account-store';

/**
 * Learns the kind of system (StackOne's category, from `GET /accounts/{id}/meta`) of the accounts
 * a link for one kind could have brought: those made since the customer's earliest such link kept.
 * StackOne's account list does not say it, and a link for their HR system should not count an
 * applicant tracking system linked since as its outcome. One call per such account, once: other
 * accounts are never asked about. A failed call is tried again with the customer's next change.
 */
export function createAccountKindLearner(deps: {
  store: AccountStore;
  /** The account's category; null where StackOne cannot read it now (suspended, expired). */
  readCategory: (accountId: string) => Promise<string | null>;
  logger: Logger;
}) {
  const { store, logger } = deps;
  /** Accounts asked about, or being asked about, since the app started. */
  const asked = new Set<string>();
  const asking = new Set<Promise<void>>();
  let stopped = false;

  const accountsToAsk = (customerId: string) => {
    const earliestKindLink = store
      .sentLinksOf(customerId)
      .filter((link) => link.category !== null)
      .map((link) => Date.parse(link.createdAt))
      .sort((a, b) => a - b)[0];
    if (earliestKindLink === undefined) return [];
    return store
      .accountsOf(customerId)
      .filter(
        (account) =>
          account.category === undefined &&
          account.createdAt !== undefined &&
          Date.parse(account.createdAt) >= earliestKindLink &&
          !asked.has(account.id),
      );
  };

  const learn = async (accountId: string) => {
    asked.add(accountId);
    try {
      const category = await deps.readCategory(accountId);
      if (!stopped && category !== null) store.recordCategory(accountId, category);
    } catch (error) {
      asked.delete(accountId);
      logger.warn({ err: error }, "an account's kind could not be read; tried again later");
    }
  };

  return {
    /** Asks about the customers' accounts a link for one kind could have brought, in the background. */
    learnFor(customerIds: Iterable<string>): void {
      if (stopped) return;
      for (const customerId of customerIds)
        for (const account of accountsToAsk(customerId)) {
          const call = learn(account.id).finally(() => asking.delete(call));
          asking.add(call);
        }
    },
    /** Waits for the calls under way; what they learn is no longer kept. */
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(asking);
    },
  };
}
