import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { convertIcon } from 'app-builder-lib/out/util/iconConverter';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linuxIconSizes, renderAppIcons } from '../../scripts/icons/app-icons';

const root = join(import.meta.dirname, '../..');
const buildResources = join(root, 'build');

async function pixelsOf(png: Buffer): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/**
 * The mean difference per RGBA byte between two images of one size: under 1 (of 255) for the
 * same drawing rendered by another build of the rasteriser, tens for another drawing.
 */
async function meanDifference(a: Buffer, b: Buffer): Promise<number> {
  const [left, right] = await Promise.all([pixelsOf(a), pixelsOf(b)]);
  expect([left.width, left.height]).toEqual([right.width, right.height]);
  let total = 0;
  for (let index = 0; index < left.data.length; index += 1)
    total += Math.abs((left.data[index] ?? 0) - (right.data[index] ?? 0));
  return total / left.data.length;
}

/** The images an `.icns` file holds, by type (`ic10` is 1024 px, `ic07` 128 px...). */
function icnsEntries(file: Buffer): Map<string, Buffer> {
  expect(file.subarray(0, 4).toString('latin1')).toBe('icns');
  const entries = new Map<string, Buffer>();
  for (let offset = 8; offset < file.length;) {
    const length = file.readUInt32BE(offset + 4);
    entries.set(
      file.subarray(offset, offset + 4).toString('latin1'),
      file.subarray(offset + 8, offset + length),
    );
    offset += length;
  }
  return entries;
}

/** The images an `.ico` file holds, by width (a 0 in the directory means 256). */
function icoEntries(file: Buffer): Map<number, Buffer> {
  expect(file.readUInt16LE(2)).toBe(1);
  const entries = new Map<number, Buffer>();
  for (let index = 0; index < file.readUInt16LE(4); index += 1) {
    const entry = 6 + 16 * index;
    const width = file.readUInt8(entry) || 256;
    const size = file.readUInt32LE(entry + 8);
    const offset = file.readUInt32LE(entry + 12);
    entries.set(width, file.subarray(offset, offset + size));
  }
  return entries;
}

const committed = (name: string): Buffer => readFileSync(join(buildResources, name));

describe("the app's icons", () => {
  let fresh: Map<string, Buffer>;
  beforeAll(async () => {
    fresh = await renderAppIcons(committed('icon.svg'));
  }, 60_000);

  it('are what build/icon.svg draws (after changing it, run `npm run icons`)', async () => {
    for (const name of ['icon.png', ...linuxIconSizes.map((size) => `icons/${size}x${size}.png`)]) {
      const difference = await meanDifference(committed(name), fresh.get(name) ?? Buffer.alloc(0));
      expect(difference, name).toBeLessThan(1);
    }
  });

  it('hold every size each system asks for, drawn from the same master', async () => {
    const master = committed('icon.png');
    expect((await sharp(master).metadata()).width).toBe(1024);
    for (const size of linuxIconSizes) {
      const metadata = await sharp(committed(`icons/${size}x${size}.png`)).metadata();
      expect([metadata.width, metadata.height, metadata.hasAlpha], `${size}`).toEqual([
        size,
        size,
        true,
      ]);
    }

    // macOS: 16 to 512 pt at 1x and 2x.
    const icns = icnsEntries(committed('icon.icns'));
    expect([...icns.keys()]).toEqual(
      expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14']),
    );
    expect(await meanDifference(icns.get('ic10') ?? Buffer.alloc(0), master)).toBeLessThan(1);

    // Windows: 16 to 256 px, the 256 px image what Explorer's large icons show.
    const ico = icoEntries(committed('icon.ico'));
    expect([...ico.keys()]).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
    const master256 = await sharp(master).resize(256, 256).png().toBuffer();
    expect(await meanDifference(ico.get(256) ?? Buffer.alloc(0), master256)).toBeLessThan(2);
  });
});

describe('electron-builder', () => {
  const savedToolset = process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR;
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'onboarding-icons-'));
    // Any conversion would need electron-builder's icon tool: pointing it at a folder that does
    // not exist makes an attempt fail at once here, instead of downloading it from GitHub.
    process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR = join(temp, 'no-icon-tool');
  });
  afterAll(() => {
    if (savedToolset === undefined) delete process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR;
    else process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR = savedToolset;
    rmSync(temp, { recursive: true, force: true });
  });

  it("takes each platform's icon from electron-builder.yml as it is, converting nothing", async () => {
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    const resolve = async (
      sources: (string | null | undefined)[],
      format: 'icns' | 'ico' | 'set',
    ) => {
      const result = await convertIcon({
        sources: sources.filter((source): source is string => typeof source === 'string'),
        fallbackSources: [],
        roots: [buildResources, root],
        format,
        outDir: join(temp, format),
      });
      return result.icons.map((icon) => ({ file: icon.file, size: icon.size }));
    };

    expect(await resolve([config.mac?.icon], 'icns')).toEqual([
      { file: join(buildResources, 'icon.icns'), size: 0 },
    ]);
    expect(await resolve([config.win?.icon], 'ico')).toEqual([
      { file: join(buildResources, 'icon.ico'), size: 256 },
    ]);
    // As electron-builder looks for the Linux set: the Linux icon, then the macOS one.
    expect(await resolve([config.linux?.icon, config.mac?.icon], 'set')).toEqual(
      linuxIconSizes.map((size) => ({
        file: join(buildResources, 'icons', `${size}x${size}.png`),
        size,
      })),
    );
  });
});
