/**
 * The benchmark's stall probe, in a process of its own (forked by scripts/bench-relay.ts): a timer
 * due every 2 ms that notes how late each tick fires, and nothing else. A late tick means no core
 * ran this idle process for that long: the VM was paused by its host, or every core was busy. Set
 * beside a round's latencies, it tells a stall of the whole machine from one of the relay's own.
 */
import { nowUs } from './monotonic-clock';
import { createStallRecord } from './stall-record';

export type ProbeRequest = { type: 'stalls'; fromUs: number; toUs: number };
export type ProbeStalls = { type: 'stalls'; worstMs: number; overTenMs: number };
/** `ready` once it ticks and listens: a message sent before that would be lost. */
export type ProbeReply = { type: 'ready' } | ProbeStalls;

const periodMs = 2;
const record = createStallRecord(periodMs, 2);
setInterval(() => record.tick(nowUs()), periodMs);

process.on('message', (request: ProbeRequest) => {
  if (request.type !== 'stalls') return;
  const { worstMs, over } = record.within(request.fromUs, request.toUs, 10);
  record.forget(request.toUs);
  process.send?.({ type: 'stalls', worstMs, overTenMs: over } satisfies ProbeReply);
});
// It lives as long as the benchmark that forked it, however that ends.
process.on('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);
process.send?.({ type: 'ready' } satisfies ProbeReply);
