import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { relayLogIdHeader, type RelayServerMessage } from '../../src/shared/relay-protocol';

/**
 * A stream client that subscribes as soon as it is connected and collects every message, and the
 * log id its handshake gave.
 */
export function streamSubscriber(
  url: string,
  token: string,
  cursor: number | null,
  options: WebSocket.ClientOptions = {},
) {
  const messages: RelayServerMessage[] = [];
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
    ...options,
  });
  ws.on('error', () => undefined);
  let logId: string | string[] | undefined;
  ws.once('upgrade', (response) => (logId = response.headers[relayLogIdHeader]));
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as RelayServerMessage));
  ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', cursor })));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const events = () =>
    messages.filter((m): m is Extract<RelayServerMessage, { type: 'event' }> => m.type === 'event');
  const subscribed = () => messages.some((m) => m.type === 'subscribed');
  return { ws, messages, events, subscribed, closed, logId: () => logId };
}

/** A stream connection the relay should refuse; resolves with the HTTP status it answered. */
export async function refusedStream(url: string, token: string): Promise<number | undefined> {
  return (await streamRefusal(url, token))?.status;
}

/**
 * A stream connection the relay should refuse: the HTTP status and headers it answered with, or
 * undefined where it took the connection.
 */
export async function streamRefusal(
  url: string,
  token: string,
): Promise<{ status: number | undefined; headers: IncomingHttpHeaders } | undefined> {
  const refused = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  refused.on('error', () => undefined);
  const answer = await new Promise<
    { status: number | undefined; headers: IncomingHttpHeaders } | undefined
  >((resolve) => {
    refused.once('unexpected-response', (_request, response) =>
      resolve({ status: response.statusCode, headers: response.headers }),
    );
    refused.once('open', () => resolve(undefined));
  });
  refused.terminate();
  return answer;
}
