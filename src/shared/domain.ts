import { z } from 'zod';

/** StackOne's `origin_owner_id`: the id of the implementer's customer. */
export const customerIdSchema = z
  .string()
  .trim()
  .min(1, 'Enter a customer id.')
  .max(128, 'A customer id is at most 128 characters.')
  .regex(
    /^[A-Za-z0-9._:@-]+$/,
    'A customer id may contain only letters, digits and . _ : @ - (no spaces).',
  );

export const customerNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter the customer name.')
  .max(200, 'A customer name is at most 200 characters.');

/** One of those the customer's auth links are emailed to (their IT administrator, say). */
export const customerContactEmailSchema = z
  .email('Enter an email address, like it@customer.example.')
  .max(254, 'An email address is at most 254 characters.');
/** Most a mail's To line holds in practice: more is not a contact but a mailing list. */
export const customerContactEmailsMax = 10;
/** Everyone the customer's auth links are emailed to, in the order typed. */
export const customerContactEmailsSchema = z
  .array(customerContactEmailSchema)
  .min(1)
  .max(customerContactEmailsMax, `At most ${customerContactEmailsMax} addresses.`);

export const customerSchema = z.object({
  id: customerIdSchema,
  name: customerNameSchema,
  createdAt: z.iso.datetime({ offset: true }),
  /** Absent until an auth link is emailed to someone (and in files from before). */
  contactEmails: customerContactEmailsSchema.optional(),
});
export type Customer = z.infer<typeof customerSchema>;

/** Customers read from a file (see `readCustomersFile`), each with the line it came from. */
export const customersFileRowSchema = z.strictObject({
  line: z.number().int().positive(),
  id: customerIdSchema,
  name: customerNameSchema,
  contactEmails: customerContactEmailsSchema.optional(),
});
export type CustomersFileRow = z.infer<typeof customersFileRowSchema>;
/** A row that is not a customer, or a file that is not a list of them (no line). */
export const customersFileProblemSchema = z.object({
  line: z.number().int().positive().nullable(),
  message: z.string(),
});
export type CustomersFileProblem = z.infer<typeof customersFileProblemSchema>;
/** A customer the app has, for whom a file gives other addresses than the app's (`current`). */
export const customersFileOtherAddressesSchema = z.strictObject({
  line: z.number().int().positive(),
  id: customerIdSchema,
  /** The app's name for them. */
  name: customerNameSchema,
  contactEmails: customerContactEmailsSchema,
  current: z.array(customerContactEmailSchema),
});
/**
 * A file's customers: those to add, those the app has already (not changed unless asked: of
 * those, `otherAddresses` are the ones the file gives other addresses for), and the rest.
 */
export const customersFileSchema = z.object({
  toAdd: z.array(customersFileRowSchema),
  alreadyHere: z.array(customersFileRowSchema),
  otherAddresses: z.array(customersFileOtherAddressesSchema),
  problems: z.array(customersFileProblemSchema),
});
export type CustomersFile = z.infer<typeof customersFileSchema>;

export const accountIdSchema = z.string().trim().min(1).max(200);
export const providerKeySchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_-]+$/, 'A provider key is lower-case letters, digits, _ and -.');

export const providerNameSchema = z.string().min(1).max(200);

/** StackOne's `label` of an account, given when it is linked: tells two of one provider apart. */
export const accountLabelSchema = z.string().trim().min(1).max(100);

/** Who linked an account, as StackOne keeps it (`origin_username`: Settings → Who links). */
export const accountLinkedBySchema = z.string().trim().min(1).max(200);

/**
 * The categories a connect session can be limited to. STACKONE.md §1 also lists `scheduling`, but
 * the official SDK (4.28) validates categories against a closed list without it, so the app
 * cannot send it.
 */
export const connectorCategories = [
  'ats',
  'hris',
  'hris-legacy',
  'crm',
  'iam',
  'marketing',
  'lms',
  'stackone',
  'documents',
  'ticketing',
  'screening',
  'messaging',
  'accounting',
] as const;
export const connectorCategorySchema = z.enum(connectorCategories);
export type ConnectorCategory = z.infer<typeof connectorCategorySchema>;

/**
 * The kinds of system an auth link can be for alone (its session's `categories`), so that the
 * customer's HR administrator, say, is offered only HR systems: the product's three.
 */
export const linkCategorySchema = connectorCategorySchema.extract(['hris', 'ats', 'crm']);
export type LinkCategory = z.infer<typeof linkCategorySchema>;

/** A kind of system as the app names it ("their HR system"). */
export const linkCategoryNames: Record<LinkCategory, string> = {
  hris: 'HR system',
  ats: 'applicant tracking system',
  crm: 'CRM',
};

/**
 * `pending` is ours: the Hub (or an event) said the account exists but StackOne has not confirmed
 * its state yet. Every other value comes from StackOne's open status enum and is shown as it comes.
 */
export const accountStatusSchema = z.string().min(1).max(64);
export type AccountStatus = z.infer<typeof accountStatusSchema>;

export const statusReasonSchema = z.object({
  code: z.string().optional(),
  description: z.string().optional(),
  timestamp: z.string(),
});

/** StackOne's category of an account (`GET /accounts/{id}/meta`), as the account file keeps it. */
export const accountCategorySchema = z.string().min(1).max(64);

export const linkedAccountViewSchema = z.object({
  id: accountIdSchema,
  /**
   * StackOne's `origin_owner_id` as it comes: accounts also arrive from webhooks and from
   * StackOne's list, for owners this app did not create, so only inputs get customerIdSchema.
   * Empty for a deletion of an account whose owner was never known.
   */
  customerId: z.string(),
  provider: z.string().min(1),
  /** StackOne's `provider_name` ("BambooHR" for `bamboohr`), once StackOne has given one. */
  providerName: providerNameSchema.optional(),
  label: accountLabelSchema.optional(),
  linkedBy: accountLinkedBySchema.optional(),
  status: accountStatusSchema,
  statusReasons: z.array(statusReasonSchema),
  /**
   * When StackOne made the account (its `created_at`); none while it is pending, and none in lists
   * saved before the app kept it until StackOne is asked again.
   */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  updatedAt: z.iso.datetime({ offset: true }),
  /**
   * The kind of system (StackOne's category, "hris"), where the app has asked: only of accounts
   * linked since a link for one kind was made, as StackOne's account list does not say it.
   */
  category: accountCategorySchema.optional(),
});
export type LinkedAccountView = z.infer<typeof linkedAccountViewSchema>;

/** Statuses in which the account's credentials need entering again (re-link). */
const needsRelinkStatuses: ReadonlySet<string> = new Set(['error', 'expired', 'inactive']);
export const needsRelink = (account: Pick<LinkedAccountView, 'status'>): boolean =>
  needsRelinkStatuses.has(account.status);

/** What data StackOne can read through a linked account (`GET /accounts/{id}/meta`). */
export const accountDataSchema = z.strictObject({
  /** StackOne's category: `hris`, `ats`, `crm`... */
  category: z.string().min(1).max(50),
  /** Its unified models: `employees`, `time_off`... */
  models: z.array(z.string().min(1).max(100)).max(500),
});
export type AccountData = z.infer<typeof accountDataSchema>;

/** An account checked with StackOne just now, on the implementer's request. */
export const accountCheckSchema = z.strictObject({
  account: linkedAccountViewSchema,
  checkedAt: z.iso.datetime({ offset: true }),
  data: accountDataSchema.nullable(),
  /** Why StackOne cannot say what data the account offers, when `data` is null. */
  dataUnavailable: z.string().nullable(),
});
export type AccountCheck = z.infer<typeof accountCheckSchema>;

/** A customer StackOne has accounts for that this app does not have yet (to pick and add). */
export const stackOneCustomerSchema = z.object({
  id: customerIdSchema,
  name: customerNameSchema,
  accounts: z.number().int().positive(),
});
export type StackOneCustomer = z.infer<typeof stackOneCustomerSchema>;

export const stackOneCustomersSchema = z.object({
  customers: z.array(stackOneCustomerSchema),
  /** How many of the project's accounts were read; fewer than it has when `complete` is false. */
  accountsRead: z.number().int().nonnegative(),
  complete: z.boolean(),
  /** Owners whose ids this app cannot take as a customer id (see customerIdSchema). */
  unusableIds: z.number().int().nonnegative(),
});
export type StackOneCustomers = z.infer<typeof stackOneCustomersSchema>;

/** What to call the account's provider: StackOne's display name once known, else its key. */
export const providerDisplayName = (
  account: Pick<LinkedAccountView, 'provider' | 'providerName'>,
): string => account.providerName ?? account.provider;

/** What to call the account: its provider, with its label where it has one. */
export const accountDisplayName = (
  account: Pick<LinkedAccountView, 'provider' | 'providerName' | 'label'>,
): string => {
  const provider = providerDisplayName(account);
  return account.label === undefined ? provider : `${provider} (${account.label})`;
};

/** A customer's accounts at a glance, for the customer list. */
export const customerSummarySchema = z.object({
  customerId: z.string(),
  linked: z.number().int().nonnegative(),
  needingRelink: z.number().int().nonnegative(),
  /** Its accounts as the app names them ("BambooHR (UK entity)"), each once, for search. */
  systems: z.array(z.string().min(1)),
  /**
   * When each link kept for linking new accounts (or a second one) with nothing linked since it
   * was made expires, or expired, but those another such link for the same outlasts: the window
   * says which have expired so.
   */
  unusedLinksExpireAt: z.array(z.iso.datetime({ offset: true })),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const relayConnectionSchema = z.object({
  state: z.enum(['connecting', 'connected', 'offline']),
  detail: z.string(),
  /** What is wrong is in the settings (the relay token, a proxy sign-in): offer to open them. */
  causeInSettings: z.literal(true).optional(),
  /**
   * When StackOne's events were found not to reach the relay (an account linked through the Hub
   * was in StackOne with no event for it, the relay connected); gone once one comes.
   */
  stackOneEventsMissingSince: z.iso.datetime({ offset: true }).optional(),
});
export type RelayConnection = z.infer<typeof relayConnectionSchema>;
