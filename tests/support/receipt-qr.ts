import jsQRModule from 'jsqr';
import type { Locator } from 'playwright-core';

// jsqr is CommonJS with an ES-style `default`: under NodeNext TypeScript types the default
// import as the module object, while Node hands over module.exports, the function itself.
type JsQR = (typeof jsQRModule)['default'];
const jsQR = jsQRModule as unknown as JsQR;

/**
 * Reads a receipt's QR code back from the inline SVG the page serves: the dark modules of
 * qrcode's path (`M x y` / `m dx dy` moves, `h n` runs of n dark modules), drawn into pixels
 * and decoded with jsQR — a real QR reader, not our encoder run backwards.
 */
export function decodeQrSvg(svg: string): string {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const path = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !path) throw new Error('not a qrcode SVG');
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, args] of path.matchAll(/([Mmh])([^Mmh]*)/g)) {
    const numbers = args!
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    if (command === 'M') [x, y] = numbers as [number, number];
    else if (command === 'm') [x, y] = [x + numbers[0]!, y + numbers[1]!];
    else {
      for (let i = 0; i < numbers[0]!; i++) dark.add(`${x + i},${Math.floor(y)}`);
      x += numbers[0]!;
    }
  }
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let row = 0; row < width; row++) {
    for (let column = 0; column < width; column++) {
      if (!dark.has(`${Math.floor(column / scale)},${Math.floor(row / scale)}`)) continue;
      const offset = (row * width + column) * 4;
      pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
    }
  }
  const code = jsQR(pixels, width, width);
  if (!code) throw new Error('the QR code does not decode');
  return code.data;
}

/** The TLV records of a simplified-invoice QR payload (base64), each value read as UTF-8. */
export function parseTlv(base64: string): { tag: number; length: number; value: string }[] {
  const bytes = Buffer.from(base64, 'base64');
  const records: { tag: number; length: number; value: string }[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const tag = bytes[offset]!;
    const length = bytes[offset + 1]!;
    const value = bytes.subarray(offset + 2, offset + 2 + length);
    if (value.length !== length) throw new Error(`record ${tag} is cut short`);
    records.push({ tag, length, value: value.toString('utf8') });
    offset += 2 + length;
  }
  return records;
}

/**
 * Reads the QR code as Chromium shows it: a screenshot of the element, its pixels taken by the
 * page's own image decoder (no PNG library here) and read with jsQR, as a phone would.
 */
export async function decodeQrOnScreen(locator: Locator): Promise<string> {
  const png = await locator.screenshot();
  const image = await locator.page().evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { width, height, data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width, height, pixels: Array.from(data) };
  }, png.toString('base64'));
  const code = jsQR(Uint8ClampedArray.from(image.pixels), image.width, image.height);
  if (!code) throw new Error('the QR code on the screen does not decode');
  return code.data;
}
