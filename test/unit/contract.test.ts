import { describe, expect, it } from 'vitest';
import {
  bridgeCallNames,
  bridgeCalls,
  bridgeEventNames,
  bridgeEvents,
} from '../../src/shared/contract';

describe('bridge contract', () => {
  it('declares schemas for exactly the names the preload exposes', () => {
    expect(Object.keys(bridgeCalls).sort()).toEqual([...bridgeCallNames].sort());
    expect(Object.keys(bridgeEvents).sort()).toEqual([...bridgeEventNames].sort());
  });

  it('never lets a connect session result carry more than the token and hub URLs', () => {
    const output = bridgeCalls.createConnectSession.output;
    expect(
      output.safeParse({
        token: 't',
        hubBaseUrl: 'http://127.0.0.1:1',
        hubAppUrl: 'http://127.0.0.1:1',
        apiKey: 'k',
      }).success,
    ).toBe(false);
    expect(
      output.safeParse({
        token: 't',
        hubBaseUrl: 'http://127.0.0.1:1',
        hubAppUrl: 'http://127.0.0.1:1',
      }).success,
    ).toBe(true);
  });
});
