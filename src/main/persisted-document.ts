import { existsSync, renameSync } from 'node:fs';
import type { z } from 'zod';
import { describeFileFailure, remedyForFileFailure } from './file-failure';

/** What the app needs of electron-store, and of `conf` (its file format) in Node tests. */
export interface JsonFileStore {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface OpenedDocument<T> {
  file: JsonFileStore;
  data: T;
  /** Set when the file on disk could not be used and was moved aside. */
  warning: string | null;
}

/**
 * Opens a JSON document and validates it. A file that cannot be parsed or validated is never
 * wiped: it is renamed to `<path>.corrupt-<time>` and the app starts from `initial`, with a
 * warning that says where the old file went. A file the system will not let the app read or
 * write (permissions, a failing disk) is not damaged: that throws, saying why, and moves nothing.
 */
export function openValidatedDocument<T extends Record<string, unknown>>(options: {
  open: () => JsonFileStore;
  filePath: string;
  schema: z.ZodType<T>;
  initial: () => T;
  migrate?: (raw: Record<string, unknown>) => unknown;
  /** What the app starts with in place of an unusable file, for the warning. */
  startsWith?: string;
  now?: () => Date;
}): OpenedDocument<T> {
  const { open, filePath, schema, initial } = options;
  let problem: string;
  try {
    const file = open();
    const raw = file.store;
    if (Object.keys(raw).length === 0) {
      const data = initial();
      file.store = data;
      return { file, data, warning: null };
    }
    const parsed = schema.safeParse(options.migrate ? options.migrate(raw) : raw);
    if (parsed.success) return { file, data: parsed.data, warning: null };
    problem = 'its contents are not valid';
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException | null)?.code === 'string') {
      throw new Error(
        `The app could not use its saved data in ${filePath} (${describeFileFailure(error)}). ${remedyForFileFailure(error)}, then start the app again.`,
        { cause: error },
      );
    }
    problem = 'it is not readable JSON';
  }

  const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const asidePath = `${filePath}.corrupt-${stamp}`;
  if (existsSync(filePath)) renameSync(filePath, asidePath);
  const file = open();
  const data = initial();
  file.store = data;
  return {
    file,
    data,
    warning: `The saved data in ${filePath} could not be used (${problem}). It was kept as ${asidePath} and the app started with ${options.startsWith ?? 'an empty list'}. Send that file to support if you need what it held.`,
  };
}
