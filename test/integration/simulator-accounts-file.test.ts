import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/main/logger';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server';
import { blockFile } from '../support/blocked-file';
import { eventually } from '../support/eventually';
import { makeTempDir } from '../support/temp-dir';
import { linkBambooHrThroughHub } from '../support/simulator-hub';

const apiKey = 'v1.test.accounts-file';
const basic = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
const typedKey = 'bamboo-typed-key-0123456789';

let temp: ReturnType<typeof makeTempDir>;
let accountsFile: string;
const running: RunningSimulator[] = [];
beforeEach(() => {
  temp = makeTempDir('simulator-accounts');
  accountsFile = join(temp.path, 'demo-accounts.json');
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.close();
  temp.remove();
});

async function start(seed: number, lines: string[] = []): Promise<RunningSimulator> {
  const simulator = await startSimulator({
    apiKey,
    seed,
    accountsFile,
    logger: createLogger({ name: 'simulator', destination: { write: (l) => lines.push(l) } }),
  });
  running.push(simulator);
  return simulator;
}

const api = (simulator: RunningSimulator, path: string, init: RequestInit = {}) =>
  fetch(`${simulator.url}${path}`, {
    ...init,
    headers: { authorization: basic, 'content-type': 'application/json' },
  });

async function link(simulator: RunningSimulator, ownerId: string): Promise<string> {
  const session = (await (
    await api(simulator, '/connect_sessions', {
      method: 'POST',
      body: JSON.stringify({ origin_owner_id: ownerId, origin_owner_name: `${ownerId} Ltd` }),
    })
  ).json()) as { token: string };
  return linkBambooHrThroughHub(simulator.url, session.token, {
    subdomain: ownerId,
    apiKey: typedKey,
  });
}

describe('the simulator with an accounts file', () => {
  it('goes on when the file cannot be written, says so in its log, and saves with the next change once it can', async () => {
    const lines: string[] = [];
    const simulator = await start(1, lines);
    const blocked = blockFile(accountsFile);
    const first = await link(simulator, 'acme');
    await eventually(() =>
      expect(lines.map((line) => JSON.parse(line) as { msg: string })).toContainEqual(
        expect.objectContaining({ msg: 'simulator accounts not saved' }),
      ),
    );
    expect((await api(simulator, `/accounts/${first}`)).status).toBe(200);

    blocked.unblock();
    const second = await link(simulator, 'globex');
    await eventually(() => {
      const saved = readFileSync(accountsFile, 'utf8');
      expect(saved).toContain(first);
      expect(saved).toContain(second);
    });
  });

  it('keeps linked accounts, their status and deletions across a restart, never a secret typed in', async () => {
    const first = await start(1);
    const kept = await link(first, 'acme');
    const deleted = await link(first, 'globex');
    await api(first, `/_simulator/accounts/${kept}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'expired' }),
    });
    await api(first, `/accounts/${deleted}`, { method: 'DELETE' });
    const before = await (await api(first, `/accounts/${kept}`)).json();
    await first.close();
    running.splice(0);

    expect(readFileSync(accountsFile, 'utf8')).not.toContain(typedKey);

    const second = await start(99);
    expect(await (await api(second, `/accounts/${kept}`)).json()).toEqual(before);
    expect((await api(second, `/accounts/${deleted}`)).status).toBe(404);
    const listed = (await (await api(second, '/accounts')).json()) as { id: string }[];
    expect(listed.map((a) => a.id)).toEqual([kept]);
    expect(second.state.accounts.get(kept)?.credentials).toEqual({ subdomain: 'acme' });
    // Linking goes on with ids that do not collide with the restored ones.
    const next = await link(second, 'initech');
    expect([kept, deleted]).not.toContain(next);
  });

  it('keeps an unreadable file aside, says so and starts with no accounts', async () => {
    writeFileSync(accountsFile, '{"schemaVersion":1,"accounts":[{"id":');
    const lines: string[] = [];
    const simulator = await start(1, lines);
    expect(await (await api(simulator, '/accounts')).json()).toEqual([]);
    expect(lines.join('')).toContain('The demo’s saved accounts');
    expect(readdirSync(temp.path).filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
  });

  it('keeps nothing on disk without one', async () => {
    const simulator = await startSimulator({ apiKey, logger: silentLogger() });
    running.push(simulator);
    await link(simulator, 'acme');
    expect(readdirSync(temp.path)).toEqual([]);
  });
});
