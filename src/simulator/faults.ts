import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendStackOneError } from './error-body';

export interface FaultSettings {
  /** Added to every public and Hub API response. */
  latencyMs: number;
  /** Share of public API requests answered with a 5xx, from the seeded generator (0-1). */
  failureRate: number;
  /** Public API requests allowed per minute per API key (StackOne: 1000); null for no limit. */
  rateLimitPerMinute: number | null;
}

/**
 * Injected latency, failures and StackOne's rate limit (429 with Retry-After), for demos of a
 * bad network and for tests of the app's handling of them.
 */
export function createFaultInjector(options: {
  settings: FaultSettings;
  random: () => number;
  now: () => Date;
}) {
  const settings = options.settings;
  let windowStart = 0;
  let used = 0;

  const delay = () =>
    settings.latencyMs > 0
      ? new Promise((resolve) => setTimeout(resolve, settings.latencyMs))
      : Promise.resolve();

  return {
    settings,
    update(next: Partial<FaultSettings>): FaultSettings {
      Object.assign(settings, next);
      return { ...settings };
    },
    /** For the public REST API: rate limit, latency, then injected failures. */
    async publicApi(_request: FastifyRequest, reply: FastifyReply) {
      const now = options.now().getTime();
      if (settings.rateLimitPerMinute !== null) {
        if (now - windowStart >= 60_000) {
          windowStart = now;
          used = 0;
        }
        used += 1;
        if (used > settings.rateLimitPerMinute) {
          const retryAfter = Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
          reply.header('retry-after', String(retryAfter));
          return sendStackOneError(
            reply,
            429,
            `Too many requests: limit is ${settings.rateLimitPerMinute} per minute`,
          );
        }
      }
      await delay();
      if (settings.failureRate > 0 && options.random() < settings.failureRate) {
        return sendStackOneError(
          reply,
          503,
          'Service temporarily unavailable (injected by the simulator)',
        );
      }
    },
    /** For the Hub API: latency only, so demos can show the Hub on a slow link. */
    hubApi: delay,
  };
}

export type FaultInjector = ReturnType<typeof createFaultInjector>;
