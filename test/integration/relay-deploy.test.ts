import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir';
import { postWebhook, sign, webhookBody } from '../support/webhooks';

const repoRoot = join(import.meta.dirname, '../..');
const unitFile = join(repoRoot, 'deploy/onboarding-relay.service');
const systemdAnalyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) =>
  existsSync(path),
);
if (systemdAnalyze === undefined)
  console.warn(
    'relay-deploy: the systemd unit is not verified here: systemd-analyze is not installed.',
  );

let temp: ReturnType<typeof makeTempDir> | null = null;
afterEach(() => temp?.remove());

/** The unit's ExecStart, split into words (it has no quoting), as systemd runs it. */
function execStart(unit: string): string[] {
  const line = unit.split('\n').find((l) => l.startsWith('ExecStart='));
  if (line === undefined) throw new Error('the unit has no ExecStart');
  return line.slice('ExecStart='.length).split(' ');
}

/** The unit's paths moved to this machine: its Node, this checkout, a temporary state. */
function onThisMachine(unit: string, dir: string): string {
  return unit
    .replaceAll('/usr/bin/node', process.execPath)
    .replaceAll('/opt/onboarding-relay', repoRoot)
    .replaceAll('/etc/onboarding-relay/env', join(dir, 'env'))
    .replaceAll('/var/lib/onboarding-relay', join(dir, 'state'));
}

describe('the relay as a systemd service (deploy/onboarding-relay.service)', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:relay'], { cwd: repoRoot, stdio: 'ignore' });
  });

  it('starts from its ExecStart line, takes its secrets from the environment, and stops cleanly on SIGTERM', async () => {
    temp = makeTempDir('relay-deploy');
    const [node, ...args] = execStart(onThisMachine(readFileSync(unitFile, 'utf8'), temp.path));
    // Port 0: whatever is free here, instead of the unit's 4020.
    const portAt = args.indexOf('--port') + 1;
    expect(args[portAt]).toBe('4020');
    args[portAt] = '0';
    const secret = 'whsec_deploy_test';
    const child = spawn(node ?? '', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        RELAY_WEBHOOK_SECRETS: secret,
        RELAY_CLIENT_TOKENS: 'deploy-token-0123456789',
        LOG_LEVEL: 'warn',
      },
    });
    const exited = once(child, 'exit');
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${output}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const body = webhookBody();
      const stored = await postWebhook(url, body, {
        'content-type': 'application/json',
        'x-stackone-signature': sign(body, secret),
      });
      expect(stored.status).toBe(200);
      expect(existsSync(join(temp.path, 'state'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it.skipIf(systemdAnalyze === undefined)(
    'passes systemd-analyze verify, with no warning, once its paths are this machine’s',
    () => {
      temp = makeTempDir('relay-deploy');
      writeFileSync(join(temp.path, 'env'), 'RELAY_WEBHOOK_SECRETS=x\nRELAY_CLIENT_TOKENS=y\n');
      const unit = join(temp.path, 'onboarding-relay.service');
      writeFileSync(unit, onThisMachine(readFileSync(unitFile, 'utf8'), temp.path));
      const verified = spawnSync(systemdAnalyze ?? '', ['verify', unit], { encoding: 'utf8' });
      expect({ status: verified.status, output: `${verified.stdout}${verified.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
    },
  );
});
