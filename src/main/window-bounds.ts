import { z } from 'zod';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const savedWindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type SavedWindowState = z.infer<typeof savedWindowStateSchema>;

export const windowSize = {
  preferred: { width: 1200, height: 820 },
  minimum: { width: 900, height: 600 },
};

/** Where the window opens: x and y absent means centred on the primary display. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/**
 * Where and how large to open the window: where it was last time if that is still on a display
 * (an implementer unplugs the customer's projector; a window left there would open out of reach),
 * otherwise the preferred size centred on the primary display. Never larger than the display's
 * work area: a small laptop screen gets a window it can show whole.
 */
export function windowPlacementFor(
  saved: SavedWindowState | null,
  workAreas: { primary: Rectangle; all: readonly Rectangle[] },
): WindowPlacement {
  const home =
    saved === null ? undefined : workAreas.all.find((area) => holdsTitleBar(area, saved));
  if (saved !== null && home !== undefined) {
    const width = Math.min(saved.width, home.width);
    const height = Math.min(saved.height, home.height);
    return {
      x: clamp(saved.x, home.x, home.x + home.width - width),
      y: clamp(saved.y, home.y, home.y + home.height - height),
      width,
      height,
      maximized: saved.maximized,
    };
  }
  const { primary } = workAreas;
  return {
    width: Math.min(windowSize.preferred.width, primary.width),
    height: Math.min(windowSize.preferred.height, primary.height),
    maximized: saved?.maximized ?? false,
  };
}

/** Enough of the window's top edge is on the area to grab it: 100 px of its width, 20 of height. */
function holdsTitleBar(area: Rectangle, window: Rectangle): boolean {
  const left = Math.max(area.x, window.x);
  const right = Math.min(area.x + area.width, window.x + window.width);
  const top = window.y;
  return right - left >= 100 && top >= area.y && top + 20 <= area.y + area.height;
}

const clamp = (value: number, low: number, high: number) =>
  Math.max(low, Math.min(value, Math.max(low, high)));
