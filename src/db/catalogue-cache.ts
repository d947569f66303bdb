import type { CatalogueEntry } from './packages.js';

/** Enough for every centre of a large network; past it the oldest go first. */
const MAX_TENANTS = 1_000;

interface Entry {
  version: number;
  catalogue: CatalogueEntry[];
  /** Rendered markup of the catalogue, by whatever the caller keys it with (locale, currency). */
  rendered: Map<string, string>;
}

/**
 * The active catalogue of each centre, as one app instance last read it, with its version
 * (tenants.catalogue_version, moved by triggers on every change to packages, services and
 * clinics). The package modal's statement reads the version with its data and sends the
 * catalogue only when it differs from the one held here (db/patient-packages.ts), so an
 * instance never shows a catalogue older than the statement's own snapshot, and no message
 * between instances is needed to keep it so.
 */
export class CatalogueCache {
  private readonly entries = new Map<string, Entry>();

  /** The catalogue held for the tenant, with its version. */
  held(tenantId: string): { version: number; catalogue: CatalogueEntry[] } | undefined {
    return this.entries.get(tenantId);
  }

  remember(tenantId: string, version: number, catalogue: CatalogueEntry[]): void {
    const held = this.entries.get(tenantId);
    // A statement that started earlier may finish later: an older version never replaces.
    if (held && held.version >= version) return;
    this.entries.delete(tenantId);
    if (this.entries.size >= MAX_TENANTS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tenantId, { version, catalogue, rendered: new Map() });
  }

  /** The catalogue's markup for `key`, rendered once per version. */
  async rendered(
    tenantId: string,
    version: number,
    key: string,
    render: () => Promise<string>,
  ): Promise<string> {
    const entry = this.entries.get(tenantId);
    if (entry?.version !== version) return render();
    let markup = entry.rendered.get(key);
    if (markup === undefined) {
      markup = await render();
      entry.rendered.set(key, markup);
    }
    return markup;
  }
}
