import { z } from 'zod';
import { customerIdSchema } from '../shared/domain';
import { liveEndpointsSchema, type LiveEndpoints } from '../shared/live-settings';
import { AppError } from './app-error';
import { openValidatedDocument, type JsonFileStore } from './persisted-document';
import { describeFileFailure, remedyForFileFailure } from './file-failure';

const savedLiveProfileSchema = liveEndpointsSchema.extend({
  apiKeyCiphertext: z.string().min(1),
  relayTokenCiphertext: z.string().min(1),
});
export type SavedLiveProfile = z.infer<typeof savedLiveProfileSchema>;

const savedProxySignInSchema = z.object({
  proxy: z.string().min(1),
  username: z.string().min(1),
  passwordCiphertext: z.string().min(1),
});
export type SavedProxySignIn = z.infer<typeof savedProxySignInSchema>;

export const settingsDocumentSchema = z
  .object({
    schemaVersion: z.literal(1),
    mode: z.enum(['demo', 'live']),
    /** Only ever saved whole: the endpoints with both secrets, as safeStorage ciphertext. */
    live: savedLiveProfileSchema.nullable(),
    /** The network proxy's sign-in, its password as safeStorage ciphertext (absent before). */
    proxySignIn: savedProxySignInSchema.nullable().default(null),
    /** Who links accounts here, for StackOne's `origin_username` (absent before). */
    linkedBy: z.string().min(1).nullable().default(null),
    /**
     * The customer the window shows alone (its screen shared with them), kept here rather than in
     * the window so that no notification names another customer from the app's start on.
     */
    customerShownAlone: customerIdSchema.nullable().default(null),
  })
  .refine((document) => document.mode === 'demo' || document.live !== null, {
    message: 'live mode with no live settings',
  });
export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

export interface SettingsStore {
  /** Set when the settings file could not be used and was moved aside. */
  readonly warning: string | null;
  readonly mode: SettingsDocument['mode'];
  readonly live: SavedLiveProfile | null;
  readonly liveEndpoints: LiveEndpoints | null;
  readonly proxySignIn: SavedProxySignIn | null;
  /** Throws an AppError, and changes nothing, when the file cannot be written; so does the next. */
  save(settings: Pick<SettingsDocument, 'mode' | 'live'>): void;
  saveProxySignIn(signIn: SavedProxySignIn | null): void;
  readonly linkedBy: string | null;
  saveLinkedBy(name: string | null): void;
  readonly customerShownAlone: string | null;
  /** Throws, saying what the app shows meanwhile and at its next start, when not written. */
  saveCustomerShownAlone(customerId: string | null): void;
}

/** Which mode the app starts in and the live profile's saved settings (`settings.json`). */
export function openSettingsStore(options: {
  open: () => JsonFileStore;
  filePath: string;
  now?: () => Date;
}): SettingsStore {
  const opened = openValidatedDocument({
    open: options.open,
    filePath: options.filePath,
    schema: settingsDocumentSchema,
    initial: (): SettingsDocument => ({
      schemaVersion: 1,
      mode: 'demo',
      live: null,
      proxySignIn: null,
      linkedBy: null,
      customerShownAlone: null,
    }),
    startsWith: 'demo mode and no live settings',
    ...(options.now && { now: options.now }),
  });
  let document = opened.data;
  const write = (next: SettingsDocument, consequence = 'so nothing was changed') => {
    try {
      opened.file.store = next;
    } catch (error) {
      throw new AppError(
        'internal',
        `The settings could not be saved to ${options.filePath} (${describeFileFailure(error)}), ${consequence}. ${remedyForFileFailure(error)}, then try again.`,
        { cause: error },
      );
    }
    document = next;
  };
  return {
    warning: opened.warning,
    get mode() {
      return document.mode;
    },
    get live() {
      return document.live;
    },
    get liveEndpoints() {
      if (document.live === null) return null;
      const { apiUrl, appUrl, relayUrl } = document.live;
      return { apiUrl, appUrl, relayUrl };
    },
    get proxySignIn() {
      return document.proxySignIn;
    },
    save({ mode, live }) {
      write({ ...document, mode, live });
    },
    saveProxySignIn(signIn) {
      write({ ...document, proxySignIn: signIn });
    },
    get linkedBy() {
      return document.linkedBy;
    },
    saveLinkedBy(name) {
      write({ ...document, linkedBy: name });
    },
    get customerShownAlone() {
      return document.customerShownAlone;
    },
    saveCustomerShownAlone(customerId) {
      write(
        { ...document, customerShownAlone: customerId },
        customerId === null
          ? 'so every customer is shown now but not at the next start'
          : 'so only this customer is shown now but every customer at the next start',
      );
    },
  };
}
