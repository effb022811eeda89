import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

const repoRoot = join(import.meta.dirname, '../..');

test('the renderer benchmark loads the built app and prints what it measured', async () => {
  const tsxLoader = createRequire(import.meta.url).resolve('tsx');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', tsxLoader, join(repoRoot, 'scripts/bench-renderer.ts'), '--loads', '2'],
    { cwd: repoRoot, timeout: 60_000 },
  );
  const before =
    /JavaScript before the Hub is opened: ([\d.]+) KiB \(([\d.]+) KiB gzipped\) in (\d+) file/.exec(
      stdout,
    );
  const hub = /the Hub, loaded when the connect dialog first opens: ([\d.]+) KiB/.exec(stdout);
  // The Hub is loaded lazily: most of the JavaScript comes only when the dialog opens.
  expect(Number(before?.[1])).toBeGreaterThan(0);
  expect(Number(hub?.[1])).toBeGreaterThan(Number(before?.[1]));
  expect(Number(before?.[2])).toBeLessThan(Number(before?.[1]));
  expect(stdout).toMatch(/first contentful paint over 2 loads: p50 [\d.]+ ms/);
});
