import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

/**
 * Packages the built app (`out/`) as `npm run dist` does, but unpacked (`electron-builder --dir`),
 * around the Electron distribution in `electronDist` instead of a downloaded one. Resolves to the
 * folder that holds the app's executable and its `resources/app.asar`. Linux only.
 */
export function packageApp(options: { electronDist: string; outputDir: string }): string {
  const result = spawnSync(
    'npx',
    [
      'electron-builder',
      '--dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${options.electronDist}`,
      `-c.directories.output=${options.outputDir}`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(
      `electron-builder failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  return join(options.outputDir, 'linux-unpacked');
}

/**
 * Skips the calling test, saying why on standard output, where the app cannot be packaged for it:
 * `packageApp` builds and returns the Linux layout only.
 */
export function skipPackagingUnlessLinux(skip: (condition: boolean, reason: string) => void): void {
  if (process.platform === 'linux') return;
  const reason = `skipped: the app is packaged for tests on Linux only, not ${process.platform}`;
  console.log(reason);
  skip(true, reason);
}
