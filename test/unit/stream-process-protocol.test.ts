import { describe, expect, it } from 'vitest';
import {
  checkMessage,
  fromStreamProcessSchema,
  toStreamProcessSchema,
  type FromStreamProcess,
  type ToStreamProcess,
} from '../../src/relay/stream-process-protocol';
import { initForEmptyLog } from '../support/stream-process-messages';

const event = {
  seq: 7,
  body: '{"event":"account.created","secret_marker":"body-3c9e"}',
  signature: 't=1,v1=abc',
  receivedAt: '2026-12-02T05:00:00.000Z',
  event: 'account.created',
  originOwnerId: null,
};
const position = { headSeq: 7, oldestSeq: 1 };

// One of every message each process sends, as it sends them.
const toStreamProcess: ToStreamProcess[] = [
  initForEmptyLog,
  { type: 'commit', events: [event], ...position },
  {
    type: 'read-result',
    id: 3,
    events: [event, { ...event, seq: 8, originOwnerId: 'owner-1' }],
    ...position,
  },
  { type: 'read-failed', id: 3, message: 'the event log could not be read' },
  {
    type: 'upgrade',
    id: 1,
    method: 'GET',
    url: '/v1/stream',
    headers: { upgrade: 'websocket', 'sec-websocket-protocol': ['a', 'b'] },
    head: '',
  },
  { type: 'upgrade-go', id: 1 },
  { type: 'status', id: 2, forMetrics: true },
  { type: 'close', drainTimeoutMs: 5_000 },
];
const statusResult: FromStreamProcess = {
  type: 'status-result',
  id: 2,
  clients: 200,
  fanOutWindowMs: 8.5,
  queuedBytes: 4_194_304,
  clientsByName: [
    { client: 'stackone-onboarding/0.1.0', count: 150 },
    { client: 'x'.repeat(80), count: 1 },
  ],
  process: { residentBytes: 80_000_000, heapUsedBytes: 20_000_000, loopDelayMaxMs: 12.5 },
};
const fromStreamProcess: FromStreamProcess[] = [
  { type: 'ready' },
  { type: 'read', id: 3, cursor: 0, limit: 256, maxBytes: 335_544 },
  statusResult,
  {
    type: 'metrics',
    delivered: 400,
    acked: 2,
    timedOut: 1,
    rejectedMessages: 3,
    refusedTooManyClients: 4,
    connected: 5,
    closedByClient: 1,
    connectionsLost: 2,
    closedForProtocolError: 0,
    closedForBadMessages: 1,
    closedForReadFailure: 0,
    closedForShutdown: 0,
    fanOutDelaysMs: [1.5, 9],
  },
  { type: 'log', level: 'warn', fields: { reason: 'bad message', code: 1008 }, message: 'refused' },
  { type: 'log', level: 'info', fields: { connections: 2, cutShort: 0 }, message: 'closed' },
];

/** A stream process's counts, sent as it sends them; the refused ones below differ in one field. */
const countsSent = {
  type: 'metrics',
  delivered: 1,
  acked: 0,
  timedOut: 0,
  rejectedMessages: 0,
  refusedTooManyClients: 0,
  connected: 0,
  closedByClient: 0,
  connectionsLost: 0,
  closedForProtocolError: 0,
  closedForBadMessages: 0,
  closedForReadFailure: 0,
  closedForShutdown: 0,
  fanOutDelaysMs: [],
};

describe("the relay's messages between its two processes", () => {
  it('accept every message each process sends, as sent', () => {
    for (const message of toStreamProcess)
      expect(toStreamProcessSchema.parse(structuredClone(message))).toEqual(message);
    for (const message of fromStreamProcess)
      expect(fromStreamProcessSchema.parse(structuredClone(message))).toEqual(message);
  });

  it('refuse what a process does not send: unknown types, missing or mistyped fields', () => {
    const refusedToStream: unknown[] = [
      { type: 'shutdown' },
      'commit',
      null,
      { type: 'commit', events: [{ ...event, body: undefined }], ...position },
      { type: 'commit', events: [{ ...event, seq: 0 }], ...position },
      { type: 'commit', events: [event], headSeq: -1, oldestSeq: 1 },
      { type: 'upgrade-go', id: '1' },
      { ...initForEmptyLog, maxClients: 0 },
      // From a main process of a version before the stream process refused clients past a most.
      { ...initForEmptyLog, maxClients: undefined },
      // From a main process of a version before the stream process's own figures.
      { type: 'status', id: 2 },
      { type: 'close' },
    ];
    for (const message of refusedToStream)
      expect(toStreamProcessSchema.safeParse(message).success).toBe(false);
    const refusedFromStream: unknown[] = [
      { type: 'read', id: 3, cursor: -1, limit: 256, maxBytes: 335_544 },
      { type: 'read', id: 3, cursor: 0, limit: 0, maxBytes: 335_544 },
      { type: 'read', id: 3, cursor: 0, limit: 256, maxBytes: 0 },
      // From a stream process of a version before it said how much a read may bring.
      { type: 'read', id: 3, cursor: 0, limit: 256 },
      { ...countsSent, delivered: 1.5 },
      { ...countsSent, rejectedMessages: -1 },
      { ...countsSent, refusedTooManyClients: 0.5 },
      // From stream processes of versions before they counted heartbeat timeouts, rejected
      // messages, and connections refused past the most they serve.
      { type: 'metrics', delivered: 1, acked: 0, fanOutDelaysMs: [] },
      { type: 'metrics', delivered: 1, acked: 0, timedOut: 0, fanOutDelaysMs: [] },
      { ...countsSent, refusedTooManyClients: undefined },
      // From one of a version before it counted connections taken and ended.
      { ...countsSent, connected: undefined },
      { ...countsSent, connectionsLost: -2 },
      { type: 'status-result', id: 2, clients: 200, fanOutWindowMs: 8.5 },
      { ...statusResult, process: { residentBytes: -1, heapUsedBytes: 0, loopDelayMaxMs: 0 } },
      // From a stream process of a version before it said what its sockets held queued.
      { ...statusResult, queuedBytes: undefined },
      { ...statusResult, queuedBytes: 1.5 },
      // From one of a version before it counted clients by the names they give.
      { ...statusResult, clientsByName: undefined },
      { ...statusResult, clientsByName: [{ client: '', count: 1 }] },
      { ...statusResult, clientsByName: [{ client: 'x'.repeat(81), count: 1 }] },
      { ...statusResult, clientsByName: [{ client: 'tool/1.0', count: 0 }] },
      {
        ...statusResult,
        clientsByName: Array.from({ length: 21 }, (_, n) => ({ client: `tool-${n}`, count: 1 })),
      },
      { type: 'log', level: 'debug', fields: {}, message: 'x' },
      { type: 'log', level: 'warn', fields: { nested: { a: 1 } }, message: 'x' },
    ];
    expect(fromStreamProcessSchema.safeParse(countsSent).success).toBe(true);
    for (const message of refusedFromStream)
      expect(fromStreamProcessSchema.safeParse(message).success).toBe(false);
  });

  it('describe a refused message by its type and the first problem, never by its values', () => {
    const message = { type: 'commit', events: [{ ...event, signature: 42 }], ...position };
    const checked = checkMessage(toStreamProcessSchema, message);
    expect(checked).toEqual({ problem: 'type "commit" at events.0.signature: invalid_type' });
    expect(JSON.stringify(checked)).not.toContain('body-3c9e');
    expect(JSON.stringify(checked)).not.toContain('42');
    expect(checkMessage(toStreamProcessSchema, ['not', 'an', 'object'])).toEqual({
      problem: expect.stringMatching(/^type none/) as unknown,
    });
    expect(checkMessage(fromStreamProcessSchema, { type: 'ready' })).toEqual({
      message: { type: 'ready' },
    });
  });
});
