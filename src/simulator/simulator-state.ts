import { randomBytes } from 'node:crypto';
import type { Connector } from './catalogue';
import { numericId, seededRandom } from './seeded-random';

export interface ConnectSession {
  id: number;
  token: string;
  originOwnerId: string;
  originOwnerName: string;
  originUsername: string | null;
  provider: string | null;
  categories: string[] | null;
  accountId: string | null;
  multiple: boolean;
  label: string | null;
  metadata: Record<string, unknown> | null;
  type: 'production' | 'test';
  createdAt: Date;
  expiresAt: Date;
}

export interface StatusReason {
  code?: string;
  description?: string;
  timestamp: string;
}

export interface SimulatedAccount {
  id: string;
  provider: string;
  providerName: string;
  integrationId: string;
  originOwnerId: string;
  originOwnerName: string;
  originUsername: string | null;
  label: string | null;
  type: 'production' | 'test';
  status: string;
  statusReasons: StatusReason[];
  credentials: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export type AttemptStatus = 'pending' | 'authenticated' | 'error' | 'cancelled' | 'expired';

export interface ConnectionAttempt {
  id: string;
  sessionToken: string;
  integrationId: string | null;
  status: AttemptStatus;
  accountId: string | null;
  error: { code: string; description: string } | null;
  createdAt: Date;
  expiresAt: Date;
}

export const organizationId = 4242;
export const projectId = 'simulator-project';

export class SimulatorState {
  readonly sessions = new Map<string, ConnectSession>();
  readonly accounts = new Map<string, SimulatedAccount>();
  /** Deleted accounts, kept so their `account.deleted` webhook can be sent again. */
  readonly deletedAccounts = new Map<string, SimulatedAccount>();
  readonly attempts = new Map<string, ConnectionAttempt>();
  /** Seeded, so ids and injected failures repeat from run to run. */
  readonly random: () => number;
  private nextSessionId = 1;

  constructor(
    seed: number,
    private readonly now: () => Date,
    private readonly attemptLifetimeMs = 5 * 60_000,
  ) {
    this.random = seededRandom(seed);
  }

  createSession(
    fields: Omit<ConnectSession, 'id' | 'token' | 'createdAt' | 'expiresAt'>,
    expiresInSeconds: number,
  ): ConnectSession {
    const createdAt = this.now();
    const session: ConnectSession = {
      ...fields,
      id: this.nextSessionId++,
      token: randomBytes(24).toString('base64url'),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + expiresInSeconds * 1000),
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The session for a Hub token, or null when unknown or expired. */
  liveSession(token: string | undefined): ConnectSession | null {
    if (token === undefined) return null;
    const session = this.sessions.get(token);
    if (!session || session.expiresAt <= this.now()) return null;
    return session;
  }

  /**
   * StackOne's matching rule (STACKONE.md §1): the same owner id, owner name and provider as an
   * earlier link reuses that account unless the session allows several.
   */
  upsertAccount(
    session: ConnectSession,
    connector: Connector,
    credentials: Record<string, string>,
  ): { account: SimulatedAccount; created: boolean } {
    const existing =
      (session.accountId !== null ? this.accounts.get(session.accountId) : undefined) ??
      (session.multiple
        ? undefined
        : [...this.accounts.values()].find(
            (a) =>
              a.originOwnerId === session.originOwnerId &&
              a.originOwnerName === session.originOwnerName &&
              a.provider === connector.provider,
          ));
    const now = this.now();
    if (existing) {
      existing.credentials = credentials;
      existing.status = 'active';
      existing.statusReasons = [];
      existing.updatedAt = now;
      return { account: existing, created: false };
    }
    let id = numericId(this.random);
    // Accounts restored from an earlier run came from another seed's ids.
    while (this.accounts.has(id) || this.deletedAccounts.has(id)) id = numericId(this.random);
    const account: SimulatedAccount = {
      id,
      provider: connector.provider,
      providerName: connector.name,
      integrationId: connector.integrationId,
      originOwnerId: session.originOwnerId,
      originOwnerName: session.originOwnerName,
      originUsername: session.originUsername,
      label: session.label,
      type: session.type,
      status: 'active',
      statusReasons: [],
      credentials,
      createdAt: now,
      updatedAt: now,
    };
    this.accounts.set(account.id, account);
    return { account, created: true };
  }

  updateCredentials(account: SimulatedAccount, credentials: Record<string, string>): void {
    account.credentials = credentials;
    account.status = 'active';
    account.statusReasons = [];
    account.updatedAt = this.now();
  }

  deleteAccount(accountId: string): SimulatedAccount | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    this.accounts.delete(accountId);
    account.updatedAt = this.now();
    this.deletedAccounts.set(accountId, account);
    return account;
  }

  createAttempt(sessionToken: string): ConnectionAttempt {
    const createdAt = this.now();
    const attempt: ConnectionAttempt = {
      id: `ca_${numericId(this.random, 16)}`,
      sessionToken,
      integrationId: null,
      status: 'pending',
      accountId: null,
      error: null,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.attemptLifetimeMs),
    };
    this.attempts.set(attempt.id, attempt);
    return attempt;
  }

  /** The attempt, with a pending one past its lifetime turned `expired`. */
  attempt(attemptId: string): ConnectionAttempt | undefined {
    const attempt = this.attempts.get(attemptId);
    if (attempt?.status === 'pending' && attempt.expiresAt <= this.now())
      attempt.status = 'expired';
    return attempt;
  }

  latestAttemptFor(sessionToken: string): ConnectionAttempt | null {
    let latest: ConnectionAttempt | null = null;
    for (const attempt of this.attempts.values()) {
      if (
        attempt.sessionToken === sessionToken &&
        (latest === null || attempt.createdAt >= latest.createdAt)
      ) {
        latest = this.attempt(attempt.id) ?? null;
      }
    }
    return latest;
  }
}
