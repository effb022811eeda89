import {
  customerIdSchema,
  customerNameSchema,
  type StackOneCustomer,
  type StackOneCustomers,
} from '../shared/domain';
import { compareCustomers } from '../shared/customer-order';
import type { StackOneAccount } from './stackone-api';

/**
 * The customers StackOne knows (the owners of the project's accounts) that are not in this app,
 * sorted by name. Each is named as on its most recently updated account.
 */
export function stackOneCustomersOf(
  read: { accounts: readonly StackOneAccount[]; complete: boolean },
  customerIdsInApp: ReadonlySet<string>,
): StackOneCustomers {
  const owners = new Map<string, { newest: StackOneAccount; accounts: number }>();
  for (const account of read.accounts) {
    const owner = owners.get(account.originOwnerId);
    if (owner === undefined) {
      owners.set(account.originOwnerId, { newest: account, accounts: 1 });
      continue;
    }
    owner.accounts += 1;
    if (account.updatedAt > owner.newest.updatedAt) owner.newest = account;
  }
  const customers: StackOneCustomer[] = [];
  let unusableIds = 0;
  for (const [ownerId, { newest, accounts }] of owners) {
    if (customerIdsInApp.has(ownerId)) continue;
    const id = customerIdSchema.safeParse(ownerId);
    if (!id.success || id.data !== ownerId) {
      unusableIds += 1;
      continue;
    }
    const name = customerNameSchema.safeParse(newest.originOwnerName);
    customers.push({ id: id.data, name: name.success ? name.data : id.data, accounts });
  }
  customers.sort(compareCustomers);
  return { customers, accountsRead: read.accounts.length, complete: read.complete, unusableIds };
}
