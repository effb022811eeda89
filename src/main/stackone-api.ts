import { StackOne } from '@stackone/stackone-client-ts';
import { SDK_METADATA } from '@stackone/stackone-client-ts/lib/config.js';
import { HTTPClient } from '@stackone/stackone-client-ts/lib/http.js';
import type {
  ConnectSessionCreateCategories,
  LinkedAccount,
} from '@stackone/stackone-client-ts/sdk/models/shared/index.js';
import {
  HTTPClientError,
  StackOneError,
} from '@stackone/stackone-client-ts/sdk/models/errors/index.js';
import {
  accountDataSchema,
  accountLabelSchema,
  accountLinkedBySchema,
  providerNameSchema,
  type AccountData,
  type ConnectorCategory,
} from '../shared/domain';
import { appUserAgent } from '../shared/release-version';
import { AppError } from './app-error';
import { describeConnectionFailure, findConnectionFailure } from './network/connection-failure';
import { findProxyFailure } from './network/proxy-tunnel';

export interface ConnectSessionRequest {
  originOwnerId: string;
  originOwnerName: string;
  originUsername?: string;
  provider?: string;
  categories?: ConnectorCategory[];
  accountId?: string;
  expiresInSeconds?: number;
  /** Another account even where the owner already has one of the provider (StackOne's rule). */
  multiple?: boolean;
  label?: string;
}

export interface CreatedConnectSession {
  token: string;
  authLinkUrl: string;
  /** When StackOne made it, by StackOne's clock (the one its accounts' `created_at` keep). */
  createdAt: string;
}

/** The parts of a StackOne LinkedAccount that the app keeps. */
export interface StackOneAccount {
  id: string;
  provider: string;
  /** Absent when StackOne sends none, or one the account list could not store. */
  providerName?: string;
  /** Absent when StackOne sends none, or one the account list could not store. */
  label?: string;
  /** StackOne's `origin_username`: who linked it. Absent as `label` is. */
  linkedBy?: string;
  originOwnerId: string;
  originOwnerName: string;
  status: string;
  statusReasons: { code?: string; description?: string; timestamp: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface StackOneApi {
  createConnectSession(request: ConnectSessionRequest): Promise<CreatedConnectSession>;
  /** Resolves null when StackOne says the account does not exist. */
  getAccount(accountId: string): Promise<StackOneAccount | null>;
  /** Every account of these owners, all pages, in several requests for many; none for none. */
  listAccounts(originOwnerIds: string[]): Promise<StackOneAccount[]>;
  /** The project's accounts, whoever their owner, up to `maxAccounts` (whole pages). */
  listProjectAccounts(
    maxAccounts: number,
  ): Promise<{ accounts: StackOneAccount[]; complete: boolean }>;
  /** Disconnects the account in StackOne; one StackOne no longer has counts as disconnected. */
  deleteAccount(accountId: string): Promise<void>;
  /**
   * What data StackOne can read through the account (`GET /accounts/{id}/meta`): its category
   * and unified models. Null where StackOne cannot read it now (412: suspended, expired).
   */
  getAccountData(accountId: string): Promise<AccountData | null>;
}

const listPageSize = 100;

/**
 * How long the owner ids of one `GET /accounts` may be, encoded: the query of an implementer's
 * hundreds of customers would pass the 8 KiB that servers and proxies commonly allow a URL.
 */
const ownerIdsQueryMaxChars = 4_000;

/** Owner ids in groups whose `origin_owner_ids=...` parameters fit ownerIdsQueryMaxChars. */
export function ownerIdGroups(originOwnerIds: readonly string[]): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let chars = 0;
  for (const id of originOwnerIds) {
    const parameterChars = 'origin_owner_ids='.length + encodeURIComponent(id).length + 1;
    if (group.length > 0 && chars + parameterChars > ownerIdsQueryMaxChars) {
      groups.push(group);
      group = [];
      chars = 0;
    }
    group.push(id);
    chars += parameterChars;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

export interface StackOneApiOptions {
  apiKey: string;
  baseUrl: string;
  /** For a request and its retries together (the SDK gives them one abort signal). */
  timeoutMs?: number;
  /**
   * Upper bound on retrying 429/408/connection errors (the SDK's own default is an hour); never
   * so long that the timeout would end the retries.
   */
  maxRetryElapsedMs?: number;
  /** Sends the SDK's requests (e.g. through the system's proxy); the global fetch when absent. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
}

/** The longest wait between two attempts, before the up to 1 s the SDK adds at random. */
const maxRetryIntervalMs = 4_000;

export function createStackOneApi(options: StackOneApiOptions): StackOneApi {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // Retries end before the timeout, so that what failed last (a name not found, a connection
  // refused) is what the implementer is told, rather than that time ran out.
  const retryWindowMs = Math.max(0, timeoutMs - maxRetryIntervalMs - 1_000);
  const sdk = new StackOne({
    serverURL: options.baseUrl,
    security: { username: options.apiKey, password: '' },
    ...(options.fetch ? { httpClient: new HTTPClient({ fetcher: options.fetch }) } : {}),
    // The app first, then the SDK it goes through, as User-Agent's products are listed: what
    // StackOne sees of a request names the release that made it.
    userAgent: `${appUserAgent} ${SDK_METADATA.userAgent}`,
    timeoutMs,
    retryConfig: {
      strategy: 'backoff',
      backoff: {
        initialInterval: 250,
        maxInterval: maxRetryIntervalMs,
        exponent: 2,
        maxElapsedTime: Math.min(options.maxRetryElapsedMs ?? retryWindowMs, retryWindowMs),
      },
      retryConnectionErrors: true,
    },
  });
  const host = new URL(options.baseUrl).host;
  const callStackOne = async <T>(action: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw translateStackOneError(action, error, host);
    }
  };

  async function listPages(
    filter: { originOwnerIds?: string[] },
    maxAccounts: number,
  ): Promise<{ accounts: StackOneAccount[]; complete: boolean }> {
    const accounts: StackOneAccount[] = [];
    // No cursor: a page shorter than the page size is the last (STACKONE.md §1).
    for (let page = 1; accounts.length < maxAccounts; page++) {
      const response = await callStackOne('list linked accounts', () =>
        sdk.accounts.listLinkedAccounts({ ...filter, page, pageSize: listPageSize }),
      );
      const batch = response.classes ?? [];
      accounts.push(...batch.map(toStackOneAccount));
      if (batch.length < listPageSize) return { accounts, complete: true };
    }
    return { accounts, complete: false };
  }

  return {
    async createConnectSession(request) {
      const response = await callStackOne('create a connect session', () =>
        sdk.connectSessions.createConnectSession({
          originOwnerId: request.originOwnerId,
          originOwnerName: request.originOwnerName,
          originUsername: request.originUsername,
          provider: request.provider,
          // connectorCategories are exactly the SDK enum's string values.
          categories: request.categories as ConnectSessionCreateCategories[] | undefined,
          accountId: request.accountId,
          expiresIn: request.expiresInSeconds,
          multiple: request.multiple,
          label: request.label,
        }),
      );
      const session = response.connectSessionTokenAuthLink;
      if (session === undefined) throw unexpectedResponse('create a connect session');
      return {
        token: session.token,
        authLinkUrl: session.authLinkUrl,
        createdAt: session.createdAt.toISOString(),
      };
    },

    async getAccount(accountId) {
      const response = await nullWhenNotFound(
        callStackOne('check the linked account', () => sdk.accounts.getAccount({ id: accountId })),
      );
      if (response === null) return null;
      const account = response.linkedAccount;
      if (account === undefined) throw unexpectedResponse('check the linked account');
      return toStackOneAccount(account);
    },

    async getAccountData(accountId) {
      const action = 'read what data the account offers';
      let response;
      try {
        response = await sdk.accounts.getAccountMetaInfo({ id: accountId });
      } catch (error) {
        if (error instanceof StackOneError && error.statusCode === 412) return null;
        throw translateStackOneError(action, error, host);
      }
      const meta = response.linkedAccountMeta;
      if (meta === undefined) throw unexpectedResponse(action);
      const data = accountDataSchema.safeParse({
        category: String(meta.category),
        models: Object.keys(meta.models),
      });
      if (!data.success) throw unexpectedResponse(action);
      return data.data;
    },

    async deleteAccount(accountId) {
      await nullWhenNotFound(
        callStackOne('disconnect the account', () => sdk.accounts.deleteAccount({ id: accountId })),
      );
    },

    async listAccounts(originOwnerIds) {
      const accounts: StackOneAccount[] = [];
      for (const group of ownerIdGroups(originOwnerIds))
        accounts.push(...(await listPages({ originOwnerIds: group }, Infinity)).accounts);
      return accounts;
    },
    async listProjectAccounts(maxAccounts) {
      return listPages({}, maxAccounts);
    },
  };
}

function toStackOneAccount(account: LinkedAccount): StackOneAccount {
  const providerName = providerNameSchema.safeParse(account.providerName?.trim());
  const label = accountLabelSchema.safeParse(account.label);
  const linkedBy = accountLinkedBySchema.safeParse(account.originUsername);
  return {
    id: account.id,
    provider: account.provider,
    ...(providerName.success && { providerName: providerName.data }),
    ...(label.success && { label: label.data }),
    ...(linkedBy.success && { linkedBy: linkedBy.data }),
    originOwnerId: account.originOwnerId,
    originOwnerName: account.originOwnerName,
    status: String(account.status),
    statusReasons: (account.statusReasons ?? []).map((reason) => ({
      ...(reason.code != null && { code: reason.code }),
      ...(reason.description != null && { description: reason.description }),
      timestamp: reason.timestamp.toISOString(),
    })),
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

/** StackOne's answer, or null where it says the record does not exist. */
async function nullWhenNotFound<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}

/**
 * Turns SDK errors into messages for the implementer (`host`: StackOne's, as the URL in Settings
 * has it). Never includes the request or its key.
 */
function translateStackOneError(action: string, error: unknown, host: string): AppError {
  if (error instanceof StackOneError) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      return new AppError(
        'stackone_unauthorized',
        `StackOne refused the API key while trying to ${action}. Check the API key in Settings (it may have been revoked or belong to another project).`,
        { cause: status },
      );
    }
    if (status === 404) {
      return new AppError('not_found', `StackOne has no such record (while trying to ${action}).`);
    }
    if (status === 412) {
      return new AppError(
        'stackone_rejected',
        `StackOne refused to ${action}: the account is suspended or expired there, or its integration is disabled. Press Refresh to see its status; a suspended account must be restored in StackOne first.`,
      );
    }
    if (status === 429) {
      return new AppError(
        'stackone_rate_limited',
        `StackOne is limiting requests from this project. Wait a minute, then try to ${action} again.`,
      );
    }
    if (status >= 500) {
      return new AppError(
        'stackone_unreachable',
        `StackOne had a problem (HTTP ${status}) while trying to ${action}. Try again in a few minutes.`,
      );
    }
    return new AppError(
      'stackone_rejected',
      `StackOne rejected the request to ${action} (HTTP ${status}). Check the customer details and try again.`,
    );
  }
  if (error instanceof HTTPClientError) {
    const atProxy = findProxyFailure(error);
    if (atProxy !== null)
      return new AppError('stackone_unreachable', atProxy.describe(`reach StackOne to ${action}`));
    const failure = findConnectionFailure(error);
    if (failure !== null)
      return new AppError(
        'stackone_unreachable',
        describeConnectionFailure(
          failure,
          `reach StackOne to ${action}`,
          host,
          'the StackOne API URL',
        ),
      );
    return new AppError(
      'stackone_unreachable',
      `Could not reach StackOne to ${action}. Check the network connection and try again.`,
    );
  }
  return unexpectedResponse(action);
}

function unexpectedResponse(action: string): AppError {
  return new AppError(
    'stackone_rejected',
    `StackOne sent an answer the app does not understand while trying to ${action}. Try again; if it keeps happening, update the app.`,
  );
}
