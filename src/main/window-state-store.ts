import { z } from 'zod';
import { openValidatedDocument, type JsonFileStore } from './persisted-document';
import { savedWindowStateSchema, type SavedWindowState } from './window-bounds';

const windowStateDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  window: savedWindowStateSchema.nullable(),
});

export interface WindowStateStore {
  /** Where the window was when the app last closed; null the first time. */
  readonly saved: SavedWindowState | null;
  /** Set when the file could not be used and was moved aside (for the log: nothing was lost). */
  readonly warning: string | null;
  save(state: SavedWindowState): void;
}

/**
 * The window's last position, size and maximised state (`window-state.json`). A file the system
 * will not let the app use is no reason not to start: the window opens at its usual size, and its
 * place is not kept this time.
 */
export function openWindowStateStore(options: {
  open: () => JsonFileStore;
  filePath: string;
}): WindowStateStore {
  let opened;
  try {
    opened = openValidatedDocument({
      open: options.open,
      filePath: options.filePath,
      schema: windowStateDocumentSchema,
      initial: () => ({ schemaVersion: 1 as const, window: null }),
      startsWith: 'the window at its usual size',
    });
  } catch (error) {
    return {
      saved: null,
      warning: error instanceof Error ? error.message : String(error),
      save: () => undefined,
    };
  }
  const { file } = opened;
  let saved = opened.data.window;
  return {
    get saved() {
      return saved;
    },
    warning: opened.warning,
    save(state) {
      // Electron's bounds can be fractional on scaled displays.
      saved = savedWindowStateSchema.parse({
        x: Math.round(state.x),
        y: Math.round(state.y),
        width: Math.round(state.width),
        height: Math.round(state.height),
        maximized: state.maximized,
      });
      file.store = { schemaVersion: 1, window: saved };
    },
  };
}
