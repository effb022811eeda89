/**
 * Makes the app's icons from build/icon.svg: build/icon.png (1024 px), build/icons/<n>x<n>.png
 * (Linux), build/icon.icns (macOS) and build/icon.ico (Windows). electron-builder finds each
 * platform's icon ready and converts nothing, so packaging needs no converter (electron-builder
 * downloads its own from GitHub when it has to convert). Run after changing the SVG.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderAppIcons } from './icons/app-icons';

const buildResources = join(import.meta.dirname, '..', 'build');
const files = await renderAppIcons(readFileSync(join(buildResources, 'icon.svg')));
for (const [name, bytes] of files) {
  const path = join(buildResources, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  console.log(`build/${name}: ${bytes.length} bytes`);
}
