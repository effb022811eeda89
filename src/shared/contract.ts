import { z } from 'zod';
import type { BridgeCallName, BridgeEventName } from './contract-names';
import {
  accountCheckSchema,
  accountIdSchema,
  accountLabelSchema,
  connectorCategorySchema,
  customerContactEmailsSchema,
  customerIdSchema,
  customerNameSchema,
  customerSchema,
  customerSummarySchema,
  customersFileRowSchema,
  customersFileSchema,
  linkCategorySchema,
  linkedAccountViewSchema,
  providerKeySchema,
  relayConnectionSchema,
  stackOneCustomersSchema,
} from './domain';
import {
  apiKeySchema,
  linkedBySchema,
  liveEndpointsSchema,
  proxySignInInputSchema,
  relayTokenSchema,
  settingsViewSchema,
} from './live-settings';
import { windowErrorSources, windowErrorTextMax } from './window-errors';

export { bridgeCallNames, bridgeEventNames } from './contract-names';
export type { BridgeCallName, BridgeEventName } from './contract-names';

const noInput = z.strictObject({});

/** A customer list read from a file: far more than a field team's customers, far less than RAM. */
export const customersFileMaxRows = 5_000;
export const customersFileMaxChars = 2 * 1024 * 1024;
const customersFileTooLarge = 'The file is over 2 MiB: that is not a list of customers.';

/**
 * How a connect session or auth link links: a new account (StackOne reuses the customer's account
 * of the chosen provider if they have one), another one beside it (`secondAccount`, with a label
 * to tell them apart), or an existing account again (`accountId`, re-link).
 */
const linkingInputShape = {
  customerId: customerIdSchema,
  /** Re-link: this account of the customer's has its credentials entered again. */
  accountId: accountIdSchema.optional(),
  secondAccount: z.strictObject({ label: accountLabelSchema }).optional(),
};
const notBothRelinkAndSecond = (input: { accountId?: string; secondAccount?: object }) =>
  input.accountId === undefined || input.secondAccount === undefined;
const relinkOrSecondMessage = {
  message: 'A link either re-links an account or adds a second one, not both.',
};

/**
 * What the app's menu asks of the window: open Settings, start a new customer, find one, import
 * or export customers, show the one shown alone, connect an integration for the customer shown or
 * send them a link.
 */
export const menuCommands = [
  'openSettings',
  'newCustomer',
  'findCustomer',
  'importOrExportCustomers',
  'showOnlyCustomer',
  'connectIntegration',
  'sendLink',
] as const;
export type MenuCommand = (typeof menuCommands)[number];

export const appStatusSchema = z.object({
  mode: z.enum(['demo', 'live']),
  relay: relayConnectionSchema,
  warnings: z.array(z.string()),
  /** Why the latest changes to the account list are not on disk yet; null when they are. */
  saveProblem: z.string().nullable(),
});

/** What the renderer needs to open the Hub: never the API key. */
export const hubSessionSchema = z.strictObject({
  token: z.string().min(1),
  hubBaseUrl: z.url(),
  hubAppUrl: z.url(),
  /**
   * How long StackOne still takes the token, from this answer (never longer than StackOne's own
   * count): a duration, not a time, so that no two clocks have to agree.
   */
  expiresInSeconds: z.number().int().nonnegative(),
});
export type HubSession = z.infer<typeof hubSessionSchema>;

/** A link the customer opens on their own device to link accounts without the app. */
export const authLinkSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type AuthLink = z.infer<typeof authLinkSchema>;

/**
 * An auth link this app made for a customer, kept (its address encrypted) until a while after it
 * expires, so that it can be copied again while it works, and followed up once it has expired.
 */
export const sentAuthLinkSchema = z.strictObject({
  id: z.uuid(),
  url: authLinkSchema.shape.url,
  createdAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  /** The account of the customer's the link re-links; null for a link to link new accounts. */
  relinkAccountId: accountIdSchema.nullable(),
  /** The label of the second account the link adds; null for any other link. */
  secondAccountLabel: accountLabelSchema.nullable(),
  /** The only kind of system the link offers; null for any kind (and for a re-link). */
  category: linkCategorySchema.nullable(),
});
export type SentAuthLink = z.infer<typeof sentAuthLinkSchema>;
/** A link kept, all of it but its address: of one whose address cannot be decrypted now. */
export const sentLinkWithoutAddressSchema = sentAuthLinkSchema.omit({ url: true });
export type SentLinkWithoutAddress = z.infer<typeof sentLinkWithoutAddressSchema>;

/** StackOne keeps a connect session, and so its auth link, for at most 7 days. */
export const authLinkValidDaysMax = 7;
/**
 * How long a link is still listed once expired: a week to notice one the customer never used
 * and send another.
 */
export const sentLinkKeptAfterExpiryDays = 7;
/** Whether the link had expired at the time (ms since the epoch). */
export const hasExpired = (link: Pick<SentAuthLink, 'expiresAt'>, at: number): boolean =>
  Date.parse(link.expiresAt) <= at;
/**
 * Every link kept of a customer's listing, those whose address cannot be decrypted now included:
 * they work all the same, for what is said of the links rather than to copy one.
 */
export const everyKeptLink = (listed: {
  links: readonly SentAuthLink[];
  unreadable: readonly SentLinkWithoutAddress[];
}): (SentAuthLink | SentLinkWithoutAddress)[] => [...listed.links, ...listed.unreadable];
/** Until when (ms since the epoch) a link that expires at that time is listed. */
export const sentLinkListedUntil = (expiresAt: string): number =>
  Date.parse(expiresAt) + sentLinkKeptAfterExpiryDays * 24 * 60 * 60 * 1000;
/**
 * Of the links with nothing linked since (by their expiries), those that still work and those that
 * have expired but are still listed, at the time (ms since the epoch).
 */
export function countUnusedLinks(
  expiries: readonly string[],
  at: number,
): { working: number; expired: number } {
  const listed = expiries.filter((expiresAt) => at < sentLinkListedUntil(expiresAt));
  const expired = listed.filter((expiresAt) => hasExpired({ expiresAt }, at)).length;
  return { working: listed.length - expired, expired };
}
/** When (ms since the epoch) what is shown of a link changes: as it expires, and as it goes. */
export const sentLinkTurningPoints = (expiresAt: string): number[] => [
  Date.parse(expiresAt),
  sentLinkListedUntil(expiresAt),
];

interface CallSpec {
  input: z.ZodType;
  output: z.ZodType;
}

export const bridgeCalls = {
  getAppStatus: { input: noInput, output: appStatusSchema },
  listCustomers: { input: noInput, output: z.array(customerSchema) },
  /** Each customer's linked accounts and how many need re-linking, for the customer list. */
  summarizeCustomers: { input: noInput, output: z.array(customerSummarySchema) },
  createCustomer: {
    input: z.strictObject({ id: customerIdSchema, name: customerNameSchema }),
    output: customerSchema,
  },
  /**
   * A customer list saved as CSV by a spreadsheet, read and checked: what adding it would add.
   * Changes nothing.
   */
  readCustomersFile: {
    input: z.strictObject({ text: z.string().max(customersFileMaxChars, customersFileTooLarge) }),
    output: customersFileSchema,
  },
  /** Every customer, as a CSV file `readCustomersFile` reads back (for another computer). */
  exportCustomersFile: {
    input: noInput,
    output: z.strictObject({ text: z.string(), customers: z.number().int().nonnegative() }),
  },
  /** Adds those of a file's customers the app does not have yet; resolves to those added. */
  createCustomers: {
    input: z.strictObject({
      customers: z.array(customersFileRowSchema).min(1).max(customersFileMaxRows),
    }),
    output: z.array(customerSchema),
  },
  /**
   * A file's addresses for customers the app has (one write); resolves to those changed (a
   * customer removed meanwhile is skipped).
   */
  saveCustomersContactEmails: {
    input: z.strictObject({
      customers: z
        .array(z.strictObject({ id: customerIdSchema, contactEmails: customerContactEmailsSchema }))
        .min(1)
        .max(customersFileMaxRows),
    }),
    output: z.array(customerSchema),
  },
  renameCustomer: {
    input: z.strictObject({ id: customerIdSchema, name: customerNameSchema }),
    output: customerSchema,
  },
  /** Whom the customer's auth links are emailed to from now on (none: nobody kept). */
  saveCustomerContactEmails: {
    input: z.strictObject({
      id: customerIdSchema,
      contactEmails: z.union([z.tuple([]), customerContactEmailsSchema]),
    }),
    output: customerSchema,
  },
  /** Only a customer with no linked accounts; resolves to the customers left. */
  removeCustomer: {
    input: z.strictObject({ id: customerIdSchema }),
    output: z.array(customerSchema),
  },
  /** Customers StackOne has accounts for that this app does not have yet. */
  findStackOneCustomers: { input: noInput, output: stackOneCustomersSchema },
  createConnectSession: {
    input: z
      .strictObject({
        ...linkingInputShape,
        provider: providerKeySchema.optional(),
        categories: z.array(connectorCategorySchema).min(1).max(14).optional(),
      })
      .refine(notBothRelinkAndSecond, relinkOrSecondMessage),
    output: hubSessionSchema,
  },
  createAuthLink: {
    input: z
      .strictObject({
        ...linkingInputShape,
        validForDays: z.number().int().min(1).max(authLinkValidDaysMax),
        /** Only systems of this kind are offered (a new or second account; not a re-link). */
        category: linkCategorySchema.optional(),
      })
      .refine(notBothRelinkAndSecond, relinkOrSecondMessage)
      .refine((input) => input.accountId === undefined || input.category === undefined, {
        message: 'A link to re-link an account is for that account’s system: it takes no kind.',
      }),
    output: authLinkSchema,
  },
  /**
   * The customer's auth links, newest first: those that work, and those that expired in the last
   * `sentLinkKeptAfterExpiryDays`. `kept` is false where this computer has no secret storage now:
   * links made are then not kept, and those kept before are not shown. `unreadable`: the links
   * kept that are not in `links`, their addresses not decryptable now (kept all the same; they
   * work until they expire).
   */
  listSentAuthLinks: {
    input: z.strictObject({ customerId: customerIdSchema }),
    output: z.strictObject({
      links: z.array(sentAuthLinkSchema),
      kept: z.boolean(),
      unreadable: z.array(sentLinkWithoutAddressSchema),
    }),
  },
  /** The app stops keeping the link; the link itself works until it expires. */
  forgetSentAuthLink: {
    input: z.strictObject({ customerId: customerIdSchema, linkId: z.uuid() }),
    output: z.strictObject({}),
  },
  listAccounts: {
    input: z.strictObject({ customerId: customerIdSchema }),
    output: z.array(linkedAccountViewSchema),
  },
  recordHubSuccess: {
    input: z.strictObject({
      customerId: customerIdSchema,
      accountId: accountIdSchema,
      provider: providerKeySchema,
      /** A second account's label as asked of StackOne, shown until StackOne confirms it. */
      label: accountLabelSchema.optional(),
    }),
    output: linkedAccountViewSchema,
  },
  refreshAccounts: {
    input: z.strictObject({ customerId: customerIdSchema }),
    output: z.array(linkedAccountViewSchema),
  },
  /** Disconnects the account in StackOne; resolves to the customer's accounts after it. */
  disconnectAccount: {
    input: z.strictObject({ customerId: customerIdSchema, accountId: accountIdSchema }),
    output: z.array(linkedAccountViewSchema),
  },
  /**
   * The network may have changed (it came back, the computer woke up): the relay connection is
   * checked, or tried again at once. Answers with its state now; changes follow as events.
   */
  checkRelayConnection: { input: noInput, output: relayConnectionSchema },
  /** The account's status read from StackOne now, and what data it offers. */
  verifyAccount: {
    input: z.strictObject({ customerId: customerIdSchema, accountId: accountIdSchema }),
    output: accountCheckSchema,
  },
  /** A plain-text report for support: versions, mode, endpoints, counts; never a secret. */
  getDiagnostics: { input: noInput, output: z.strictObject({ report: z.string() }) },
  /** Opens the folder with main.log in the system's file manager; resolves to its path. */
  openLogFolder: { input: noInput, output: z.strictObject({ folder: z.string() }) },
  /**
   * An error the window caught: the whole window (`window`) or the Hub (`hub`) failed to draw, or
   * a script error or unhandled promise rejection left nothing on screen. Main writes it to its
   * log, for support.
   */
  reportWindowError: {
    input: z.strictObject({
      source: z.enum(windowErrorSources),
      message: z.string().max(windowErrorTextMax.message),
      stack: z.string().max(windowErrorTextMax.stack).optional(),
      componentStack: z.string().max(windowErrorTextMax.stack).optional(),
    }),
    output: z.strictObject({}),
  },
  getSettings: { input: noInput, output: settingsViewSchema },
  /**
   * Checks the endpoints and credentials against StackOne and the relay, saves them and switches
   * to live mode. A secret left out keeps the one saved; the saved settings used again as they
   * are are not checked again. The secrets never come back.
   */
  switchToLiveMode: {
    input: liveEndpointsSchema.extend({
      apiKey: apiKeySchema.optional(),
      relayToken: relayTokenSchema.optional(),
      /**
       * The relay cannot be reached from here (a network that lets no WebSocket through): saved
       * without checking it, the API key checked all the same.
       */
      withoutRelayCheck: z.boolean().optional(),
    }),
    output: settingsViewSchema,
  },
  /** Switches to the built-in simulator and relay; the live settings stay saved. */
  switchToDemoMode: { input: noInput, output: settingsViewSchema },
  /**
   * Demo mode only: every customer, account and link sent of the demo goes, and its StackOne and
   * relay start empty; live mode's settings and accounts stay.
   */
  resetDemo: { input: noInput, output: settingsViewSchema },
  /**
   * Saves the user name and password for the network's proxy (the password encrypted, never sent
   * back) and uses them from now on, for that proxy only.
   */
  saveProxySignIn: { input: proxySignInInputSchema, output: settingsViewSchema },
  forgetProxySignIn: { input: noInput, output: settingsViewSchema },
  /** Who links accounts here (empty: nobody named), for StackOne's record of each. */
  saveLinkedBy: {
    input: z.strictObject({ linkedBy: linkedBySchema }),
    output: settingsViewSchema,
  },
  /**
   * The window shows this customer alone (the implementer shares their screen with them): no
   * notification tells of another customer's accounts until it is called again with null. Kept
   * for the app's next start.
   */
  showOnlyCustomer: {
    input: z.strictObject({ customerId: customerIdSchema.nullable() }),
    output: z.strictObject({}),
  },
  /** The customer shown alone, if one is, for the window as it loads. */
  getCustomerShownAlone: {
    input: noInput,
    output: z.strictObject({ customerId: customerIdSchema.nullable() }),
  },
} satisfies Record<BridgeCallName, CallSpec>;

export const bridgeEvents = {
  accountsChanged: z.object({
    customerId: customerIdSchema,
    accounts: z.array(linkedAccountViewSchema),
  }),
  /** The customer's accounts, or the links kept for them, changed. */
  customerSummaryChanged: customerSummarySchema,
  relayConnectionChanged: relayConnectionSchema,
  /** A command chosen from the app's menu (or by its shortcut) that the window carries out. */
  menuCommand: z.object({ command: z.enum(menuCommands) }),
  /** The user clicked a notification about this customer's accounts: show them. */
  showCustomer: z.object({ customerId: z.string() }),
  /**
   * An account newly linked, linked again, needing re-linking or disconnected elsewhere, or a link
   * expired to follow up (or a burst of them summed up): the window says it to screen readers, as
   * the system notification says it to everyone else.
   */
  accountNotice: z.object({
    customerId: z.string().nullable(),
    title: z.string(),
    body: z.string(),
  }),
  /** The account list could not be written to disk (a message), or can be again (null). */
  saveProblemChanged: z.object({ problem: z.string().nullable() }),
} satisfies Record<BridgeEventName, z.ZodType>;

export const bridgeErrorCodes = [
  'invalid_input',
  'unknown_call',
  'untrusted_sender',
  'not_found',
  'conflict',
  'stackone_unauthorized',
  'stackone_unreachable',
  'stackone_rate_limited',
  'stackone_rejected',
  'relay_unauthorized',
  'relay_unreachable',
  'secret_storage_unavailable',
  'internal',
] as const;
export type BridgeErrorCode = (typeof bridgeErrorCodes)[number];

export const bridgeErrorSchema = z.object({
  code: z.enum(bridgeErrorCodes),
  message: z.string(),
});
export type BridgeError = z.infer<typeof bridgeErrorSchema>;

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

export type CallInput<K extends BridgeCallName> = z.input<(typeof bridgeCalls)[K]['input']>;
export type CallOutput<K extends BridgeCallName> = z.output<(typeof bridgeCalls)[K]['output']>;
export type EventPayload<E extends BridgeEventName> = z.output<(typeof bridgeEvents)[E]>;

/** The shape of `window.onboarding`, derived from the tables above. */
export type OnboardingBridge = {
  [K in BridgeCallName]: (input: CallInput<K>) => Promise<BridgeResult<CallOutput<K>>>;
} & {
  on<E extends BridgeEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
