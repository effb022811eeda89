import { z } from 'zod';

/** Where a live profile talks to: the StackOne project's API and app, and the company's relay. */
export const stackOneApiUrlDefault = 'https://api.stackone.com';
export const stackOneAppUrlDefault = 'https://app.stackone.com';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An address a live profile may use: the secure protocol, or the plain one only on this computer
 * (a relay or simulator run locally), so a key or token never crosses a network unencrypted.
 */
function endpointSchema(what: string, secure: 'https:' | 'wss:', plain: 'http:' | 'ws:') {
  const problem = (value: string): string | null => {
    if (value === '') return `Enter the ${what}.`;
    if (value.length > 2000) return `The ${what} is at most 2,000 characters.`;
    if (!URL.canParse(value)) return `The ${what} is not a web address.`;
    const url = new URL(value);
    if (!(url.protocol === secure || (url.protocol === plain && loopbackHosts.has(url.hostname))))
      return `The ${what} must start with ${secure}// (${plain}// only for this computer).`;
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
      return `The ${what} must not carry a user name, password, query or fragment.`;
    return null;
  };
  return z
    .string()
    .trim()
    .superRefine((value, context) => {
      const message = problem(value);
      if (message !== null) context.addIssue({ code: 'custom', message });
    });
}

export const liveEndpointsSchema = z.strictObject({
  apiUrl: endpointSchema('StackOne API URL', 'https:', 'http:'),
  appUrl: endpointSchema('StackOne app URL', 'https:', 'http:'),
  relayUrl: endpointSchema('relay URL', 'wss:', 'ws:'),
});
export type LiveEndpoints = z.infer<typeof liveEndpointsSchema>;

const secretSchema = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(1000, `The ${what} is at most 1,000 characters.`)
    .regex(/^[\x21-\x7e]+$/, `The ${what} has characters a ${what} cannot have (spaces?).`);

export const apiKeySchema = secretSchema('API key');
export const relayTokenSchema = secretSchema('relay token');

/** A proxy as the system's proxy settings and the app's messages name it: `host:port`. */
export const proxyAddressSchema = z
  .string()
  .trim()
  .min(1, 'Enter the proxy, as host:port (the app names it when the proxy asks for a sign-in).')
  .max(300, 'The proxy is at most 300 characters.')
  .regex(
    /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
    'Enter the proxy as host:port, e.g. proxy.example.com:8080.',
  );

/** A user name and password for the network's proxy (HTTP Basic: the name has no colon). */
export const proxySignInInputSchema = z.strictObject({
  proxy: proxyAddressSchema,
  username: z
    .string()
    .trim()
    .min(1, 'Enter the user name.')
    .max(256, 'The user name is at most 256 characters.')
    .regex(/^[^:\p{Cc}]+$/u, 'A proxy user name cannot contain a colon.'),
  password: z
    .string()
    .min(1, 'Enter the password.')
    .max(1000, 'The password is at most 1,000 characters.')
    .regex(/^\P{Cc}+$/u, 'The password cannot contain control characters.'),
});
export type ProxySignInInput = z.infer<typeof proxySignInInputSchema>;

/**
 * Who links accounts from this app, as StackOne records it on each (`origin_username`): a name or
 * an email. Empty for nobody named.
 */
export const linkedBySchema = z
  .string()
  .trim()
  .max(200, 'Your name is at most 200 characters.')
  .regex(/^\P{Cc}*$/u, 'Your name cannot contain control characters.');

/**
 * What the renderer may know about the settings: never a secret, only whether one is saved (a
 * live profile is only ever saved with both).
 */
export const settingsViewSchema = z.strictObject({
  mode: z.enum(['demo', 'live']),
  live: liveEndpointsSchema.nullable(),
  /**
   * How the API key and relay token are kept: `encrypted` by the system's keyring; `obfuscated`
   * where Linux has no keyring (Electron's `basic_text`: anyone who can read the user's files can
   * read them); `unavailable`: they cannot be saved at all.
   */
  secretStorage: z.enum(['encrypted', 'obfuscated', 'unavailable']),
  /** The proxy sign-in saved, without its password. */
  proxySignIn: z.strictObject({ proxy: z.string(), username: z.string() }).nullable(),
  /** A proxy that asked for a sign-in the app does not have (live mode), to offer it. */
  proxyAskingForSignIn: z.string().nullable(),
  /** Given to StackOne as who linked each account linked from now on; null for nobody named. */
  linkedBy: z.string().nullable(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;
