import type { SentLinkFacts } from '../../src/shared/accounts-linked-since';
import type { LinkedAccountView } from '../../src/shared/domain';

/** An active BambooHR account of Acme's, as the store gives it, with the fields a test sets. */
export const acmeAccount = (
  fields: Partial<LinkedAccountView> & { id: string },
): LinkedAccountView => ({
  customerId: 'acme',
  provider: 'bamboohr',
  status: 'active',
  statusReasons: [],
  updatedAt: '2026-12-03T16:00:00.000Z',
  ...fields,
});

/** A link made on 2026-12-01 to link new accounts of any kind, with the fields a test sets. */
export const sentLinkFacts = (
  fields: Partial<SentLinkFacts> & { expiresAt: string },
): SentLinkFacts & { expiresAt: string } => ({
  createdAt: '2026-12-01T09:00:00.000Z',
  relinkAccountId: null,
  secondAccountLabel: null,
  category: null,
  ...fields,
});
