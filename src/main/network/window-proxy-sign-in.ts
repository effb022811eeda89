import type { ProxyCredentials } from './proxy-tunnel';

/**
 * Answers Chromium's sign-in requests from proxies for the window's own requests (the Hub's),
 * with the sign-in saved for that proxy. Chromium asks again when a proxy refuses what it was
 * given: after `maxAnswers` answers with the same sign-in, it is refused (the request fails)
 * rather than looping on a wrong password.
 */
export function createWindowProxySignIn(options: {
  credentialsFor: (proxy: string) => ProxyCredentials | null;
  maxAnswers?: number;
}) {
  const maxAnswers = options.maxAnswers ?? 3;
  const answered = new Map<string, { credentials: ProxyCredentials; count: number }>();
  return {
    /** Chromium's `authInfo` host and port: the credentials to give, or null to refuse. */
    answer(host: string, port: number): ProxyCredentials | null {
      const proxy = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
      const credentials = options.credentialsFor(proxy);
      if (credentials === null) return null;
      const before = answered.get(proxy);
      const same =
        before !== undefined &&
        before.credentials.username === credentials.username &&
        before.credentials.password === credentials.password;
      const count = same ? before.count + 1 : 1;
      answered.set(proxy, { credentials, count });
      return count > maxAnswers ? null : credentials;
    },
  };
}
