import { describe, expect, it } from 'vitest';
import { windowTitle } from '../../src/renderer/src/window-title';

describe('windowTitle', () => {
  it('names the customer shown first, and says when it is the demo', () => {
    expect(windowTitle('Acme Ltd', 'live')).toBe('Acme Ltd – StackOne Onboarding');
    expect(windowTitle('Acme Ltd', 'demo')).toBe('Acme Ltd – StackOne Onboarding (demo)');
  });

  it("is the app's name alone while no customer is shown, or the mode is not known yet", () => {
    expect(windowTitle(null, 'live')).toBe('StackOne Onboarding');
    expect(windowTitle(null, 'demo')).toBe('StackOne Onboarding (demo)');
    expect(windowTitle(null, null)).toBe('StackOne Onboarding');
  });
});
