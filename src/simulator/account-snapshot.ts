import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { findConnector, isSecretField } from './catalogue';
import type { SimulatedAccount, SimulatorState } from './simulator-state';

const storedAccountSchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  providerName: z.string(),
  integrationId: z.string(),
  originOwnerId: z.string(),
  originOwnerName: z.string(),
  originUsername: z.string().nullable(),
  label: z.string().nullable(),
  type: z.enum(['production', 'test']),
  status: z.string().min(1),
  statusReasons: z.array(
    z.object({
      code: z.string().optional(),
      description: z.string().optional(),
      timestamp: z.string(),
    }),
  ),
  /** The credentials' fields that are not secret (a subdomain, say). */
  setupInformation: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

type StoredAccount = z.infer<typeof storedAccountSchema>;

const snapshotSchema = z.object({
  schemaVersion: z.literal(1),
  accounts: z.array(storedAccountSchema),
  deletedAccounts: z.array(storedAccountSchema),
});
type Snapshot = z.infer<typeof snapshotSchema>;

/**
 * The simulator's linked accounts in a file, so a demo restarted between meetings still has them.
 * Only the credentials' non-secret fields are kept: a key or password someone typed into a demo
 * form is never written to disk (re-linking a restored account asks for it again).
 */
export interface AccountSnapshotFile {
  /** Loads the saved accounts into the state; returns a warning when the file was unusable. */
  restore(state: SimulatorState): string | null;
  /** Saves soon, once per burst of changes. */
  saveSoon(state: SimulatorState): void;
  /** Saves now what saveSoon has not yet (or could not: a full disk; it is tried again). */
  flush(): void;
}

export function accountSnapshotFile(
  path: string,
  now: () => Date,
  /** A save that failed; the accounts stay in memory and the next change or flush saves them. */
  onSaveFailed: (error: unknown) => void,
): AccountSnapshotFile {
  let pending: SimulatorState | null = null;
  let saveScheduled = false;
  const flush = () => {
    if (pending === null) return;
    const state = pending;
    pending = null;
    const snapshot: Snapshot = {
      schemaVersion: 1,
      accounts: [...state.accounts.values()].map(stored),
      deletedAccounts: [...state.deletedAccounts.values()].map(stored),
    };
    try {
      // Written aside and renamed over, so a crash mid-write leaves the previous file whole.
      writeFileSync(`${path}.tmp`, JSON.stringify(snapshot));
      renameSync(`${path}.tmp`, path);
    } catch (error) {
      pending = state;
      onSaveFailed(error);
    }
  };
  return {
    restore(state) {
      if (!existsSync(path)) return null;
      let parsed: Snapshot | null = null;
      try {
        const result = snapshotSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
        if (result.success) parsed = result.data;
      } catch {
        parsed = null;
      }
      if (parsed === null) {
        const aside = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(path, aside);
        return `The demo’s saved accounts in ${path} could not be used; the file was kept as ${aside} and the demo starts with none.`;
      }
      for (const account of parsed.accounts) state.accounts.set(account.id, restored(account));
      for (const account of parsed.deletedAccounts)
        state.deletedAccounts.set(account.id, restored(account));
      return null;
    },
    saveSoon(state) {
      pending = state;
      if (saveScheduled) return;
      saveScheduled = true;
      setImmediate(() => {
        saveScheduled = false;
        flush();
      });
    },
    flush,
  };
}

function stored({ credentials, ...account }: SimulatedAccount): StoredAccount {
  const connector = findConnector(account.integrationId);
  return {
    ...account,
    setupInformation: Object.fromEntries(
      Object.entries(credentials).filter(
        ([key]) => connector !== undefined && !isSecretField(connector, key),
      ),
    ),
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

function restored({ setupInformation, ...account }: StoredAccount): SimulatedAccount {
  return {
    ...account,
    credentials: setupInformation,
    createdAt: new Date(account.createdAt),
    updatedAt: new Date(account.updatedAt),
  };
}
