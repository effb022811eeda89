import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSummedLog } from '../../src/relay/summed-log';

type Line = { level: string; fields: Record<string, string | number>; message: string };

function summedLogTo(lines: Line[], maxLines?: number) {
  return createSummedLog(
    {
      info: (fields, message) => lines.push({ level: 'info', fields, message }),
      warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
      error: (fields, message) => lines.push({ level: 'error', fields, message }),
    },
    60_000,
    maxLines,
  );
}

const refused = { reason: 'too_many_clients', maxClients: 2 };

describe('a summed log', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs a line at once the first time, and the same line again in its interval as one at its end', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines);
    log.warn(refused, 'stream connection refused');
    expect(lines).toEqual([
      { level: 'warn', fields: refused, message: 'stream connection refused' },
    ]);
    for (let index = 0; index < 26; index += 1) {
      vi.advanceTimersByTime(2_000);
      log.warn(refused, 'stream connection refused');
    }
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(8_000);
    expect(lines[1]).toEqual({
      level: 'warn',
      fields: { ...refused, occurrences: 26, seconds: 60 },
      message: 'stream connection refused',
    });
  });

  it('sums interval after interval while a line goes on, and logs it at once again after a quiet one', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines);
    log.warn(refused, 'stream connection refused');
    vi.advanceTimersByTime(30_000);
    log.warn(refused, 'stream connection refused');
    vi.advanceTimersByTime(45_000);
    log.warn(refused, 'stream connection refused');
    log.warn(refused, 'stream connection refused');
    vi.advanceTimersByTime(45_000);
    expect(lines.map((line) => line.fields.occurrences)).toEqual([undefined, 1, 2]);
    // An interval without it ends the summing: the next is logged at once, as a first.
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(5_000);
    log.warn(refused, 'stream connection refused');
    expect(lines[3]).toEqual({
      level: 'warn',
      fields: refused,
      message: 'stream connection refused',
    });
  });

  it('tells lines apart by level, message and every field', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines);
    log.warn(refused, 'stream connection refused');
    log.warn({ reason: 'bad_token' }, 'stream connection refused');
    log.warn({ ...refused, maxClients: 3 }, 'stream connection refused');
    log.warn(refused, 'another message');
    log.error(refused, 'stream connection refused');
    expect(lines).toHaveLength(5);
    log.warn({ reason: 'bad_token' }, 'stream connection refused');
    log.error(refused, 'stream connection refused');
    log.error(refused, 'stream connection refused');
    vi.advanceTimersByTime(60_000);
    expect(lines.slice(5)).toEqual([
      {
        level: 'warn',
        fields: { reason: 'bad_token', occurrences: 1, seconds: 60 },
        message: 'stream connection refused',
      },
      {
        level: 'error',
        fields: { ...refused, occurrences: 2, seconds: 60 },
        message: 'stream connection refused',
      },
    ]);
  });

  it('logs what it holds summed when closed, over the time since its interval began, and nothing after', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines);
    log.warn(refused, 'stream connection refused');
    log.error({ code: 'ENOSPC' }, 'webhook could not be stored');
    vi.advanceTimersByTime(12_340);
    log.warn(refused, 'stream connection refused');
    log.close();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({
      level: 'warn',
      fields: { ...refused, occurrences: 1, seconds: 12.3 },
      message: 'stream connection refused',
    });
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(3);
  });

  it('holds at most so many lines summed at once, logging each of one more as it comes', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines, 2);
    const rejected = (client: string) =>
      log.warn({ reason: 'bad_client_message', client }, 'stream message rejected');
    for (const client of ['a/1', 'b/1', 'c/1', 'c/1', 'a/1', 'c/1']) rejected(client);
    // a/1 and b/1 are summed; c/1, past the two held, is logged each time.
    expect(lines.map((line) => line.fields.client)).toEqual(['a/1', 'b/1', 'c/1', 'c/1', 'c/1']);
    vi.advanceTimersByTime(60_000);
    expect(lines.at(-1)?.fields).toEqual({
      reason: 'bad_client_message',
      client: 'a/1',
      occurrences: 1,
      seconds: 60,
    });
    // Their intervals over, room again: d/1 is summed.
    for (let index = 0; index < 3; index += 1) rejected('d/1');
    expect(lines.filter((line) => line.fields.client === 'd/1')).toHaveLength(1);
  });

  it('passes information lines on as they come, each of them', () => {
    const lines: Line[] = [];
    const log = summedLogTo(lines);
    const closed = { connections: 2, cutShort: 0, drainTimeoutMs: 5_000 };
    log.info(closed, 'stream connections closed for the shutdown');
    log.info(closed, 'stream connections closed for the shutdown');
    expect(lines).toEqual([
      { level: 'info', fields: closed, message: 'stream connections closed for the shutdown' },
      { level: 'info', fields: closed, message: 'stream connections closed for the shutdown' },
    ]);
    log.close();
    expect(lines).toHaveLength(2);
  });
});
