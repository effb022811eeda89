import { describe, expect, it } from 'vitest';
import { clientName } from '../../src/relay/client-name';

describe("a stream client's name, as the relay logs it", () => {
  it('is the User-Agent the client gives, as it is', () => {
    expect(clientName('stackone-onboarding/0.1.0')).toBe('stackone-onboarding/0.1.0');
    expect(clientName(['stackone-onboarding/0.1.0', 'other/1'])).toBe('stackone-onboarding/0.1.0');
  });

  it('is "unnamed" where the client gives none, or only spaces', () => {
    expect(clientName(undefined)).toBe('unnamed');
    expect(clientName('')).toBe('unnamed');
    expect(clientName('   ')).toBe('unnamed');
  });

  it('holds printable ASCII only, each other character a "?"', () => {
    expect(clientName('app\tv1 \u00e9\u0000\u202e')).toBe('app?v1 ???');
  });

  it('is cut to 80 characters, the cut said', () => {
    const name = clientName(`client/${'1'.repeat(200)}`);
    expect(name).toHaveLength(80);
    expect(name).toBe(`client/${'1'.repeat(70)}...`);
    expect(clientName('c'.repeat(80))).toBe('c'.repeat(80));
  });
});
