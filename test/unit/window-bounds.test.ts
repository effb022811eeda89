import { describe, expect, it } from 'vitest';
import { windowPlacementFor } from '../../src/main/window-bounds';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const projector = { x: 1440, y: 0, width: 1920, height: 1050 };
const smallLaptop = { x: 0, y: 0, width: 1366, height: 728 };

describe('where the window opens', () => {
  it('the first time: the preferred size, centred on the primary display', () => {
    expect(windowPlacementFor(null, { primary: laptop, all: [laptop] })).toEqual({
      width: 1200,
      height: 820,
      maximized: false,
    });
  });

  it('on a small screen: no larger than its work area, so it can be seen whole', () => {
    expect(windowPlacementFor(null, { primary: smallLaptop, all: [smallLaptop] })).toEqual({
      width: 1200,
      height: 728,
      maximized: false,
    });
  });

  it('where it was last time, when that display is still there', () => {
    const saved = { x: 1600, y: 40, width: 1300, height: 900, maximized: false };
    expect(windowPlacementFor(saved, { primary: laptop, all: [laptop, projector] })).toEqual({
      x: 1600,
      y: 40,
      width: 1300,
      height: 900,
      maximized: false,
    });
  });

  it('back on the primary display when the one it was on is gone (the projector unplugged)', () => {
    const saved = { x: 1600, y: 40, width: 1300, height: 900, maximized: true };
    expect(windowPlacementFor(saved, { primary: laptop, all: [laptop] })).toEqual({
      width: 1200,
      height: 820,
      maximized: true,
    });
  });

  it('moved and shrunk to fit when it hangs over the edge of its display', () => {
    const saved = { x: 900, y: 300, width: 1600, height: 900, maximized: false };
    expect(windowPlacementFor(saved, { primary: laptop, all: [laptop] })).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 875,
      maximized: false,
    });
  });

  it('not where only a sliver of it, or none of its top edge, would be on a display', () => {
    const sliver = { x: 1380, y: 100, width: 1200, height: 800, maximized: false };
    const aboveTheTop = { x: 100, y: -300, width: 1200, height: 800, maximized: false };
    for (const saved of [sliver, aboveTheTop])
      expect(windowPlacementFor(saved, { primary: laptop, all: [laptop] })).toEqual({
        width: 1200,
        height: 820,
        maximized: false,
      });
  });
});
