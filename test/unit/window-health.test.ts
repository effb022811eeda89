import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchWindowHealth, type WatchedWindow } from '../../src/main/electron/window-health';
import { silentLogger } from '../../src/main/logger';

type ShowMessageBox = Parameters<typeof watchWindowHealth>[1]['showMessageBox'];
type MessageBoxOptions = Parameters<ShowMessageBox>[0];
type MessageBoxReturnValue = Awaited<ReturnType<ShowMessageBox>>;

/**
 * Electron's window and dialog cannot run here: stand-ins that record what was done to them, and
 * dialogs the test answers.
 */
function watched() {
  const contents = Object.assign(new EventEmitter(), {
    calls: [] as string[],
    reload() {
      this.calls.push('reload');
    },
    forcefullyCrashRenderer() {
      this.calls.push('end process');
    },
  });
  let closed = false;
  const window = {
    webContents: contents,
    isDestroyed: () => false,
    close: () => {
      closed = true;
    },
  } as unknown as WatchedWindow;
  const dialogs: { options: MessageBoxOptions; answer: (response: number) => void }[] = [];
  const warnings: string[] = [];
  watchWindowHealth(window, {
    logger: silentLogger(),
    noteWindowRestarted: (warning) => warnings.push(warning),
    showMessageBox: (options) =>
      new Promise<MessageBoxReturnValue>((resolve) => {
        const answer = (response: number) => resolve({ response, checkboxChecked: false });
        options.signal?.addEventListener('abort', () => answer(options.cancelId ?? 0));
        dialogs.push({ options, answer });
      }),
  });
  const gone = (reason: string) =>
    contents.emit('render-process-gone', {}, { reason, exitCode: 1 });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { contents, dialogs, warnings, gone, settle, closed: () => closed };
}

describe('watching the window’s process', () => {
  it('reloads a crashed window and has it say so; a closing window is left alone', () => {
    const { contents, warnings, gone } = watched();
    gone('clean-exit');
    expect(contents.calls).toEqual([]);
    gone('crashed');
    expect(contents.calls).toEqual(['reload']);
    expect(warnings).toEqual([
      expect.stringMatching(/^The window crashed at \d\d:\d\d and was reloaded\./),
    ]);
  });

  it('asks after the fourth failure in a minute, and quits or reloads as answered', async () => {
    const { contents, dialogs, warnings, gone, settle, closed } = watched();
    for (let n = 0; n < 4; n += 1) gone('crashed');
    expect(contents.calls).toEqual(['reload', 'reload', 'reload']);
    expect(dialogs.map((dialog) => dialog.options.buttons)).toEqual([
      ['Reload the window', 'Quit'],
    ]);
    dialogs[0]?.answer(0);
    await settle();
    expect(contents.calls).toHaveLength(4);
    expect(warnings.at(-1)).toBe(
      'The window crashed again: 4 times in 60 seconds. It was reloaded, as you asked.',
    );

    for (let n = 0; n < 4; n += 1) gone('oom');
    dialogs[1]?.answer(1);
    await settle();
    expect(closed()).toBe(true);
  });

  it('offers Wait or Reload for a window that stops responding; Reload starts a new process once', async () => {
    const { contents, dialogs, warnings, gone, settle } = watched();
    contents.emit('unresponsive');
    contents.emit('unresponsive');
    expect(dialogs.map((dialog) => dialog.options.buttons)).toEqual([
      ['Wait', 'Reload the window'],
    ]);
    dialogs[0]?.answer(1);
    await settle();
    expect(contents.calls).toEqual(['end process', 'reload']);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^The window stopped responding and was reloaded at \d\d:\d\d, as you asked\./,
      ),
    ]);
    // The ended process's going is expected: not reloaded a second time.
    gone('killed');
    expect(contents.calls).toEqual(['end process', 'reload']);
  });

  it('takes the question back when the window answers again, and does nothing on Wait', async () => {
    const { contents, dialogs, settle } = watched();
    contents.emit('unresponsive');
    contents.emit('responsive');
    await settle();
    contents.emit('unresponsive');
    expect(dialogs).toHaveLength(2);
    dialogs[1]?.answer(0);
    await settle();
    expect(contents.calls).toEqual([]);
  });
});
