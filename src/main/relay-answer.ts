import type { IncomingHttpHeaders } from 'node:http';
import { relayRefusalHeader, relayRefusedTooManyClients } from '../shared/relay-protocol';
import {
  describeConnectionFailure,
  type ConnectionFailureKind,
} from './network/connection-failure';

/** What a relay's HTTP answer in place of the stream means, said once for every place that reads it. */
export interface RelayAnswer {
  /** The relay refused the token (the settings check's code tells it from an unreachable relay). */
  tokenRefused: boolean;
  /** What is in Settings (the relay URL or token) is the likely cause, rather than the relay. */
  causeInSettings: boolean;
  /** What happened and what to do, for the person using the app. */
  message: string;
}

/**
 * Reads the status (and a redirect's Location, a refusal's reason) a relay at `host` answered the
 * stream's upgrade with. A redirect's target is shown without its query, which may carry a
 * sign-in's state.
 */
export function describeRelayAnswer(
  status: number,
  host: string,
  headers: IncomingHttpHeaders = {},
): RelayAnswer {
  const inSettings = (message: string) => ({ tokenRefused: false, causeInSettings: true, message });
  if (status === 401 || status === 403)
    return {
      tokenRefused: true,
      causeInSettings: true,
      message: `The relay at ${host} refused this app’s relay token (HTTP ${status}). Check the relay token in Settings with whoever runs the relay.`,
    };
  if (status === 404)
    return inSettings(
      `The relay at ${host} has no stream at that address (HTTP 404). Check the relay URL in Settings (it ends in /v1/stream).`,
    );
  if (status >= 300 && status < 400) {
    const target = redirectTarget(headers.location, host);
    return inSettings(
      `The relay at ${host} sends the stream to another address (HTTP ${status}${target === null ? '' : `, to ${target}`}). Check the relay URL in Settings: it must be the stream’s own address (wss:// for a relay on https://).`,
    );
  }
  if (isRefusedForTooManyClients(status, headers))
    return {
      tokenRefused: false,
      causeInSettings: false,
      message: `The relay at ${host} took this app’s relay token, but it is serving as many apps as it is set to (HTTP 503). The app connects once one of them leaves; if this goes on, tell whoever runs the relay (its --max-clients sets how many).`,
    };
  if (status >= 500)
    return {
      tokenRefused: false,
      causeInSettings: false,
      message: `The relay at ${host} answered HTTP ${status}: it may be down or restarting. Try again in a few minutes; if it goes on, tell whoever runs the relay.`,
    };
  return inSettings(
    `The relay at ${host} answered HTTP ${status}, not with its stream. Check the relay URL in Settings (it ends in /v1/stream).`,
  );
}

/** Why the relay at `host` could not be reached, said alike by the relay client and the check. */
export const describeRelayUnreached = (failure: ConnectionFailureKind, host: string): string =>
  describeConnectionFailure(failure, 'reach the relay', host, 'the relay URL');

/**
 * What a server at `host` that answered the stream's upgrade with a handshake no WebSocket client
 * accepts (a wrong Sec-WebSocket-Accept, a subprotocol not asked for) means: not the relay, or a
 * relay behind something on the network that alters the connection.
 */
export const describeRelayHandshakeFault = (host: string): string =>
  `Something at ${host} answered the stream’s request, but not as a relay does (its WebSocket handshake was not valid). Check the relay URL in Settings; if it is right, a proxy or filter on this network may be altering the connection: try another network, and if it goes on, tell whoever runs the relay.`;

function redirectTarget(location: string | undefined, host: string): string | null {
  if (location === undefined || location === '') return null;
  try {
    const target = new URL(location, `http://${host}/`);
    return `${target.origin}${target.pathname}`;
  } catch {
    return null;
  }
}

/**
 * Whether a relay took the token and refused the stream only for serving as many connections as
 * it is set to (docs/relay-protocol.md): the settings that reached it are right.
 */
export const isRefusedForTooManyClients = (status: number, headers: IncomingHttpHeaders): boolean =>
  status === 503 && headers[relayRefusalHeader] === relayRefusedTooManyClients;

/** The longest wait a relay's Retry-After is taken for: a larger one is read as this. */
const maxRetryAfterMs = 5 * 60_000;

/** An HTTP date (RFC 9110's IMF-fixdate), as a proxy in front of a relay may give `Retry-After`. */
const httpDatePattern = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * How long a relay's refusal asks to wait before trying again (`Retry-After`, in seconds or as a
 * date from `now`), at most five minutes (a clock set wrong here cannot hold the app off for
 * longer), or 0 where it does not say or cannot be read.
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  const value = header?.trim() ?? '';
  const ms = /^\d+$/.test(value)
    ? Number(value) * 1000
    : httpDatePattern.test(value)
      ? Date.parse(value) - now
      : 0;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), maxRetryAfterMs) : 0;
}
