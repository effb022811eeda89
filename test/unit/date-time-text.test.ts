import { describe, expect, it } from 'vitest';
import {
  dateTimeHalves,
  dateTimeText,
  dateTimeWithZoneText,
} from '../../src/renderer/src/date-time-text';

const moment = '2026-12-03T10:20:00.000Z';

describe('a moment in words', () => {
  it('on screen: date and time to the minute, no seconds', () => {
    const shown = dateTimeText(moment);
    expect(shown).toContain('2026');
    expect(shown).not.toMatch(/\d:\d\d:\d\d/);
  });

  it('on screen in halves, to break between the date and the time and nowhere else', () => {
    const halves = dateTimeHalves(moment);
    expect(halves.date + halves.separator + halves.time).toBe(dateTimeText(moment));
    expect(halves.date).toContain('2026');
    expect(halves.time).toMatch(/\d:20/);
    expect(dateTimeHalves(moment, 'de-DE')).toMatchObject({ date: '03.12.2026', separator: ', ' });
    expect(dateTimeHalves(moment, 'ja-JP')).toMatchObject({ date: '2026/12/03', separator: ' ' });
    expect(dateTimeHalves(moment, 'en-GB')).toMatchObject({ date: '3 Dec 2026', separator: ', ' });
  });

  it('for an email or a note: the time in its zone, with the zone named', () => {
    expect(dateTimeWithZoneText(moment, 'UTC')).toMatch(/10:20.*UTC/);
    expect(dateTimeWithZoneText(moment, 'Asia/Tokyo')).toMatch(/7:20.*GMT\+9/);
    expect(dateTimeWithZoneText(moment, 'America/New_York')).toMatch(/5:20.*EST/);
  });
});
