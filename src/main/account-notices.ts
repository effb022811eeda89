import { needsRelink, providerDisplayName, type LinkedAccountView } from '../shared/domain';

/** A system notification's text, and the customer it is about (a click shows them). */
export interface AccountNotice {
  customerId: string;
  title: string;
  body: string;
}

/** Above this many notices from one change, one notice sums them up instead. */
const noticesPerChangeMax = 3;

/**
 * Watches the accounts' statuses for the two changes an implementer acts on while the app is in
 * the background: an account newly linked and active, or active again after a re-link (the
 * customer finished an auth link on their own device), and an account that came to need
 * re-linking. Everything else (pending, verified unchanged, disconnected) says nothing.
 */
export function createAccountNoticeWatch(options: {
  /** The accounts as they are when watching starts: none of them is news. */
  accounts: readonly LinkedAccountView[];
  customerName: (customerId: string) => string | undefined;
}) {
  const lastStatus = new Map(options.accounts.map((account) => [account.id, account.status]));

  return {
    /** The notices for a customer's accounts as they are now. */
    changed(customerId: string, accounts: readonly LinkedAccountView[]): AccountNotice[] {
      const customer = options.customerName(customerId) ?? customerId;
      const notices: AccountNotice[] = [];
      let linked = 0;
      let broken = 0;
      for (const account of accounts) {
        const before = lastStatus.get(account.id);
        lastStatus.set(account.id, account.status);
        if (before === account.status) continue;
        const name = providerDisplayName(account);
        if (account.status === 'active' && (before === undefined || before === 'pending')) {
          linked += 1;
          notices.push({
            customerId,
            title: `${customer}: ${name} linked`,
            body: `The account is active in StackOne.`,
          });
        } else if (
          account.status === 'active' &&
          before !== undefined &&
          needsRelink({ status: before })
        ) {
          linked += 1;
          notices.push({
            customerId,
            title: `${customer}: ${name} re-linked`,
            body: 'The account is active again in StackOne.',
          });
        } else if (
          needsRelink(account) &&
          (before === undefined || !needsRelink({ status: before }))
        ) {
          broken += 1;
          const reason = account.statusReasons.find((r) => r.description)?.description;
          notices.push({
            customerId,
            title: `${customer}: ${name} needs re-linking`,
            body: `Its status is ${account.status}${reason === undefined ? '' : `: ${reason}`}. Re-link it in the app, or send ${customer} a link.`,
          });
        }
      }
      if (notices.length <= noticesPerChangeMax) return notices;
      const parts = [
        linked > 0 ? `${linked} account${linked === 1 ? '' : 's'} linked` : null,
        broken > 0 ? `${broken} account${broken === 1 ? '' : 's'} to re-link` : null,
      ].filter((part): part is string => part !== null);
      return [
        {
          customerId,
          title: `${customer}: ${parts.join(', ')}`,
          body: 'Open the app to see them.',
        },
      ];
    },
  };
}
