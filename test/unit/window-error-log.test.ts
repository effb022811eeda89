import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/logger';
import { createWindowErrorLog } from '../../src/main/window-error-log';

const apiKey = 'v1.eu1.live-api-key-0123456789';
const relayToken = 'relay-token-abcdefghijklmnop';

function logged() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name: 'main',
    level: 'info',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as never) },
  });
  let clock = Date.parse('2026-12-03T10:00:00.000Z');
  const windowErrors = createWindowErrorLog({
    logger,
    knownSecrets: () => [apiKey, relayToken, 'short'],
    now: () => clock,
    maxPerMinute: 3,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { lines, windowErrors, advance };
}

describe('the window error log', () => {
  it('writes what the window reported, and counts it for diagnostics', () => {
    const { lines, windowErrors, advance } = logged();
    expect(windowErrors.summary()).toEqual({ count: 0, lastAt: null });
    advance(1_500);
    windowErrors.record({
      source: 'window',
      message: "Cannot read properties of null (reading 'state')",
      stack: 'TypeError: Cannot read properties of null\n    at RelayIndicator (app://x.js:1:2)',
      componentStack: '\n    at RelayIndicator\n    at App',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'window error',
      source: 'window',
      message: "Cannot read properties of null (reading 'state')",
      componentStack: '\n    at RelayIndicator\n    at App',
    });
    expect(windowErrors.summary()).toEqual({
      count: 1,
      lastAt: new Date('2026-12-03T10:00:01.500Z'),
    });
  });

  it('never writes a secret the app holds, wherever it appears in the report', () => {
    const { lines, windowErrors } = logged();
    windowErrors.record({
      source: 'promise',
      message: `Invalid key ${apiKey} for relay ${relayToken}`,
      stack: `Error: ${apiKey}\n    at submit`,
    });
    const written = JSON.stringify(lines);
    expect(written).not.toContain(apiKey);
    expect(written).not.toContain(relayToken);
    expect(lines[0]).toMatchObject({
      message: 'Invalid key [redacted] for relay [redacted]',
      stack: 'Error: [redacted]\n    at submit',
    });
  });

  it('leaves words alone that only a too-short "secret" would match', () => {
    const { lines, windowErrors } = logged();
    windowErrors.record({ source: 'script', message: 'a short message' });
    expect(lines[0]).toMatchObject({ message: 'a short message' });
  });

  it('writes at most so many a minute, then says how many it did not write', () => {
    const { lines, windowErrors, advance } = logged();
    for (let n = 1; n <= 10; n += 1) {
      windowErrors.record({ source: 'script', message: `error ${n}` });
      advance(1_000);
    }
    expect(lines.map((line) => line.message ?? line.msg)).toEqual([
      'error 1',
      'error 2',
      'error 3',
      'window errors: more than the most logged a minute; the rest are counted',
    ]);
    advance(60_000);
    windowErrors.record({ source: 'script', message: 'a minute later' });
    expect(lines.at(-1)).toMatchObject({ message: 'a minute later', unloggedBefore: 7 });
    expect(windowErrors.summary().count).toBe(11);
  });
});
