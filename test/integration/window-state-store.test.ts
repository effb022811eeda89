import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWindowStateStore } from '../../src/main/window-state-store';
import { blockFile } from '../support/blocked-file';
import { makeTempDir } from '../support/temp-dir';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir('window-state');
});
afterEach(() => temp.remove());

const open = () =>
  openWindowStateStore({
    open: () => new Conf<Record<string, unknown>>({ cwd: temp.path, configName: 'window-state' }),
    filePath: join(temp.path, 'window-state.json'),
  });

describe('the window state file', () => {
  it('has nothing the first time, and keeps where the window was for the next launch', () => {
    expect(open().saved).toBeNull();
    open().save({ x: 1600.4, y: 39.6, width: 1300, height: 900.5, maximized: true });
    // Rounded: Electron's bounds may be fractional on a scaled display.
    expect(open().saved).toEqual({ x: 1600, y: 40, width: 1300, height: 901, maximized: true });
  });

  it('sets an unusable file aside and starts afresh, saying so for the log', () => {
    const file = join(temp.path, 'window-state.json');
    writeFileSync(file, '{"schemaVersion":1,"window":{"x":"left"}}');
    const store = open();
    expect(store.saved).toBeNull();
    expect(store.warning).toContain('the window at its usual size');
    const aside = readdirSync(temp.path).find((name) => name.includes('.corrupt-'));
    expect(readFileSync(join(temp.path, aside ?? ''), 'utf8')).toContain('"left"');
    store.save({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
    expect(open().saved).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
  });

  it('lets the app start at the usual size when the system will not let it use the file', () => {
    const file = join(temp.path, 'window-state.json');
    blockFile(file);
    const store = open();
    expect(store.saved).toBeNull();
    expect(store.warning).toContain(`could not use its saved data in ${file}`);
    expect(() =>
      store.save({ x: 10, y: 20, width: 1000, height: 700, maximized: false }),
    ).not.toThrow();
  });
});
