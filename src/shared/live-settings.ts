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
});
export type SettingsView = z.infer<typeof settingsViewSchema>;
