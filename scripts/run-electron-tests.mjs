// Runs the Electron suite (test/electron) where an Electron binary exists. Electron 42+ downloads
// its binary on first use; machines without internet cannot, so there the suite is skipped with
// one line that says so. Never calls require('electron'), which would start that download.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

function findElectronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const candidate = relative ? join(distDir, relative) : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

const binary = findElectronBinary();
if (binary === null) {
  console.log(
    'Electron suite skipped: no Electron binary in node_modules/electron/dist and none can be downloaded on this machine; it runs wherever `npx install-electron` has fetched one (or ELECTRON_OVERRIDE_DIST_PATH points at one).',
  );
  process.exit(0);
}

const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY;
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
if (needsDisplay && !hasXvfb) {
  console.error(
    'Electron suite cannot run: no DISPLAY and no xvfb-run. Install xvfb or run under a desktop session.',
  );
  process.exit(1);
}
const playwright = ['npx', 'playwright', 'test', '--config', 'playwright.electron.config.ts'];
const command = needsDisplay ? ['xvfb-run', '--auto-servernum', ...playwright] : playwright;
const result = spawnSync(command[0], command.slice(1), {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_BINARY: binary },
});
process.exit(result.status ?? 1);
