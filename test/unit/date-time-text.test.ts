import { describe, expect, it } from 'vitest';
import { dateTimeText, dateTimeWithZoneText } from '../../src/renderer/src/date-time-text';

const moment = '2026-12-03T10:20:00.000Z';

describe('a moment in words', () => {
  it('on screen: date and time to the minute, no seconds', () => {
    const shown = dateTimeText(moment);
    expect(shown).toContain('2026');
    expect(shown).not.toMatch(/\d:\d\d:\d\d/);
  });

  it('for an email or a note: the time in its zone, with the zone named', () => {
    expect(dateTimeWithZoneText(moment, 'UTC')).toMatch(/10:20.*UTC/);
    expect(dateTimeWithZoneText(moment, 'Asia/Tokyo')).toMatch(/7:20.*GMT\+9/);
    expect(dateTimeWithZoneText(moment, 'America/New_York')).toMatch(/5:20.*EST/);
  });
});
