import { describe, expect, it } from 'vitest';
import { createWindowRecovery } from '../../src/main/window-recovery';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 3, 9, 30, seconds));
const localTime = (date: Date) =>
  `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;

describe('what to do when the window’s process goes', () => {
  it('does nothing when it ended as it should (the window closed)', () => {
    expect(createWindowRecovery().afterProcessGone('clean-exit', at(0))).toEqual({
      action: 'none',
    });
  });

  it('reloads a crashed window and says what happened, when, and that nothing was lost', () => {
    const decision = createWindowRecovery().afterProcessGone('oom', at(5));
    expect(decision).toEqual({
      action: 'reload',
      warning: `The window ran out of memory at ${localTime(at(5))} and was reloaded. Customers and accounts are kept by the app in the background, so nothing was lost; a link under way in the Hub has to be started again.`,
    });
  });

  it('asks the user, rather than reloading again, once it has gone 3 times within a minute', () => {
    const recovery = createWindowRecovery();
    for (const second of [0, 10, 20])
      expect(recovery.afterProcessGone('crashed', at(second)).action).toBe('reload');
    const fourth = recovery.afterProcessGone('crashed', at(30));
    expect(fourth).toMatchObject({
      action: 'ask',
      message: 'The window crashed again: 4 times in 60 seconds.',
    });
    expect(fourth.action === 'ask' && fourth.detail).toContain('send main.log to support');
    // Asked again while it keeps failing; after the user chose to reload, counting restarts.
    expect(recovery.afterProcessGone('crashed', at(31)).action).toBe('ask');
    recovery.userChoseToReload();
    expect(recovery.afterProcessGone('crashed', at(32)).action).toBe('reload');
  });

  it('reloads again once the earlier failures are more than a minute old', () => {
    const recovery = createWindowRecovery();
    for (const second of [0, 10, 20]) recovery.afterProcessGone('killed', at(second));
    // At 75 s only the one at 20 s is within the minute: two more reloads before asking.
    expect(recovery.afterProcessGone('killed', at(75)).action).toBe('reload');
    expect(recovery.afterProcessGone('killed', at(76)).action).toBe('reload');
    expect(recovery.afterProcessGone('killed', at(77)).action).toBe('ask');
    expect(recovery.afterProcessGone('killed', at(136)).action).toBe('reload');
  });

  it('takes a reload the user asked for as expected, and counts it', () => {
    const recovery = createWindowRecovery({ maxReloads: 2 });
    expect(recovery.userAskedToReload(at(0))).toBe(
      `The window stopped responding and was reloaded at ${localTime(at(0))}, as you asked. Customers and accounts are kept by the app in the background, so nothing was lost; a link under way in the Hub has to be started again.`,
    );
    // Ending the hung process makes it go: the window is being reloaded already.
    expect(recovery.afterProcessGone('killed', at(1))).toEqual({ action: 'none' });
    expect(recovery.afterProcessGone('crashed', at(2)).action).toBe('reload');
    expect(recovery.afterProcessGone('crashed', at(3)).action).toBe('ask');
  });
});
