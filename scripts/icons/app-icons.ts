import { createICNS, createICO, BICUBIC } from 'png2icons';
import sharp from 'sharp';

/** The sizes of the Linux icon set: the freedesktop hicolor theme's usual ones. */
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512] as const;

/** The master icon's size: what macOS's largest (512 pt at 2x) takes. */
export const masterIconSize = 1024;

/** The SVG is drawn on a 1024-unit canvas; librsvg renders it at 72 dpi by default. */
const svgCanvas = 1024;

/**
 * Renders the icon's SVG at `size` pixels square: each size from the drawing itself, so that the
 * small ones are drawn crisp rather than scaled down from the large.
 */
export async function renderIconPng(svg: Buffer, size: number): Promise<Buffer> {
  return sharp(svg, { density: (72 * size) / svgCanvas })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Every icon file electron-builder needs, by its path under `build/`. */
export async function renderAppIcons(svg: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const master = await renderIconPng(svg, masterIconSize);
  files.set('icon.png', master);
  for (const size of linuxIconSizes)
    files.set(`icons/${size}x${size}.png`, await renderIconPng(svg, size));
  files.set('icon.icns', required(createICNS(master, BICUBIC, 0), 'icon.icns'));
  // PNG images for 64 px and up, bitmaps below, as Windows Explorer shows an executable's icon.
  files.set('icon.ico', required(createICO(master, BICUBIC, 0, false, true), 'icon.ico'));
  return files;
}

function required(file: Buffer | null, name: string): Buffer {
  if (file === null) throw new Error(`png2icons could not make ${name} from the master icon`);
  return file;
}
