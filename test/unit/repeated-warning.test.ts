import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRepeatedWarning } from '../../src/relay/repeated-warning';

type Line = { fields: Record<string, string | number>; message: string };

function warningLoggedTo(lines: Line[]) {
  return createRepeatedWarning({
    log: {
      warn: (fields, message) => lines.push({ fields, message }),
      error: (fields, message) => lines.push({ fields, message: `error: ${message}` }),
    },
    fields: { reason: 'too_many_clients' },
    message: 'refused',
    summedMessage: 'refused since the line before',
    intervalMs: 60_000,
  });
}

describe('a warning that repeats', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is logged at once the first time, and the later ones of its interval as one line at its end', () => {
    const lines: Line[] = [];
    const warning = warningLoggedTo(lines);
    warning.occurred();
    expect(lines).toEqual([{ fields: { reason: 'too_many_clients' }, message: 'refused' }]);
    for (let index = 0; index < 26; index += 1) {
      vi.advanceTimersByTime(2_000);
      warning.occurred();
    }
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(8_000);
    expect(lines).toEqual([
      { fields: { reason: 'too_many_clients' }, message: 'refused' },
      {
        fields: { reason: 'too_many_clients', occurrences: 26, seconds: 60 },
        message: 'refused since the line before',
      },
    ]);
  });

  it('goes on summing interval after interval while it goes on, and logs at once again after a quiet one', () => {
    const lines: Line[] = [];
    const warning = warningLoggedTo(lines);
    warning.occurred();
    vi.advanceTimersByTime(30_000);
    warning.occurred();
    vi.advanceTimersByTime(45_000);
    warning.occurred();
    warning.occurred();
    vi.advanceTimersByTime(45_000);
    expect(lines.map((line) => line.fields.occurrences)).toEqual([undefined, 1, 2]);
    // An interval with none ends the summing: the next is logged at once, as a first.
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(5_000);
    warning.occurred();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toEqual({ fields: { reason: 'too_many_clients' }, message: 'refused' });
  });

  it('logs what it has summed when closed, over the time since the interval began, and nothing after', () => {
    const lines: Line[] = [];
    const warning = warningLoggedTo(lines);
    warning.occurred();
    vi.advanceTimersByTime(12_340);
    warning.occurred();
    warning.close();
    expect(lines[1]).toEqual({
      fields: { reason: 'too_many_clients', occurrences: 1, seconds: 12.3 },
      message: 'refused since the line before',
    });
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(2);
  });

  it('logs nothing more when closed with nothing summed', () => {
    const lines: Line[] = [];
    const warning = warningLoggedTo(lines);
    warning.occurred();
    warning.close();
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(1);
  });
});
