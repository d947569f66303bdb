import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = fileURLToPath(new URL('../../static', import.meta.url));

const versions = new Map<string, string>();

/** A URL that changes with the file's content, so browsers may cache it for a year. */
export function assetUrl(name: string): string {
  let version = versions.get(name);
  if (!version) {
    const content = readFileSync(`${STATIC_DIR}/${name}`);
    version = createHash('sha256').update(content).digest('hex').slice(0, 12);
    versions.set(name, version);
  }
  return `/static/${name}?v=${version}`;
}
