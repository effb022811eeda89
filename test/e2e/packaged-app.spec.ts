import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractAll } from '@electron/asar';
import { expect, test } from '@playwright/test';
import { packageApp, skipPackagingUnlessLinux } from '../support/package-app';

const builtMain = join(import.meta.dirname, '../../out/main');

/**
 * Every package the built main process imports (or resolves, for a file it reads), as written in
 * its bundle; not Node's own modules (with or without `node:`), nor `electron`, the runtime's.
 */
function packagesOfMain(): string[] {
  const found = new Set<string>();
  for (const file of readdirSync(builtMain).filter((name) => name.endsWith('.js'))) {
    const source = readFileSync(join(builtMain, file), 'utf8');
    const references = /(?:from |import\(|createRequire\([^)]*\)\.resolve\()"([^"./][^"]*)"/g;
    for (const match of source.matchAll(references)) {
      const specifier = match[1] ?? '';
      if (!isBuiltin(specifier) && specifier !== 'electron') found.add(specifier);
    }
  }
  return [...found].sort();
}

// Runs inside the unpacked archive: resolves each package from there and loads those that run
// without Electron, printing where each resolved or why it failed.
const loadCheck = `
import { createRequire } from 'node:module';
const needsElectron = new Set(['electron-store']);
const require = createRequire(import.meta.url);
const results = {};
for (const specifier of JSON.parse(process.argv[2])) {
  try {
    let where;
    try { where = import.meta.resolve(specifier); } catch { where = 'file://' + require.resolve(specifier); }
    if (!needsElectron.has(specifier) && !specifier.includes('/webcomponent')) await import(specifier);
    results[specifier] = where;
  } catch (error) {
    results[specifier] = 'failed: ' + error.message;
  }
}
process.stdout.write(JSON.stringify(results));
`;

test('the packaged app holds the built app and every package its main process loads, and no dev tool', async () => {
  skipPackagingUnlessLinux((condition, reason) => test.skip(condition, reason));
  test.setTimeout(240_000);
  const temp = mkdtempSync(join(tmpdir(), 'onboarding-package-'));
  try {
    // A stand-in for Electron's own files: the archive, not the runtime, is under test here.
    const electronDist = join(temp, 'electron-dist');
    execFileSync('mkdir', ['-p', electronDist]);
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    const appDir = packageApp({ electronDist, outputDir: join(temp, 'release') });
    const unpacked = join(temp, 'app');
    extractAll(join(appDir, 'resources', 'app.asar'), unpacked);

    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as {
      main: string;
    };
    expect(existsSync(join(unpacked, manifest.main))).toBe(true);
    for (const file of ['out/preload/index.cjs', 'out/renderer/index.html'])
      expect(existsSync(join(unpacked, file)), file).toBe(true);
    // The standalone relay's bundle (built for deployment, and by the relay's tests) is not the
    // app's.
    expect(existsSync(join(unpacked, 'out/relay')), 'out/relay').toBe(false);
    // The window's icon (on Linux, where a window takes it from the app), as the built main refers
    // to it.
    const windowIcon = /"\.\/(chunks\/256x256-[\w-]+\.png)"/.exec(
      readFileSync(join(unpacked, 'out/main/main.js'), 'utf8'),
    )?.[1];
    expect(windowIcon).toBeDefined();
    expect(readFileSync(join(unpacked, 'out/main', windowIcon ?? ''))).toEqual(
      readFileSync(join(import.meta.dirname, '../../build/icons/256x256.png')),
    );

    const packages = packagesOfMain();
    expect(packages).toEqual(expect.arrayContaining(['undici', 'ws', 'electron-store']));
    const checker = join(unpacked, 'out/main/package-check.mjs');
    writeFileSync(checker, loadCheck);
    const results = JSON.parse(
      execFileSync(process.execPath, [checker, JSON.stringify(packages)], {
        cwd: unpacked,
        encoding: 'utf8',
      }),
    ) as Record<string, string>;
    const inside = pathToFileURL(unpacked).href;
    for (const name of packages)
      expect(results[name], name).toMatch(new RegExp(`^${inside}/node_modules/`));

    for (const devTool of [
      'electron',
      'electron-builder',
      'vitest',
      '@playwright/test',
      'typescript',
    ])
      expect(existsSync(join(unpacked, 'node_modules', devTool)), devTool).toBe(false);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});
