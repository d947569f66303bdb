import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogueCache } from '../../src/db/catalogue-cache.js';
import { loadPatientPackages } from '../../src/db/patient-packages.js';
import { createCatalogue, createPackage, isoDate, type Catalogue } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let c: Catalogue;
let packageId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  c = await createCatalogue(database.db);
  const pkg = await createPackage(database.db, c.tenant.id, [
    { serviceId: c.service.id, sessions: 8 },
  ]);
  packageId = pkg.id;
});
afterAll(() => database.close());

const load = (cache: CatalogueCache, tenantId = c.tenant.id, patientId = c.patient.id) =>
  loadPatientPackages(database.db, cache, tenantId, patientId, isoDate(), {
    actorId: c.user.id,
    ip: null,
    screen: 'package_modal',
  });

describe("an instance's catalogue", () => {
  it('is read once, then not sent again while its version holds', async () => {
    const cache = new CatalogueCache();
    const first = await load(cache);
    expect(first.catalogue.map((entry) => entry.id)).toEqual([packageId]);
    const second = await load(cache);
    expect(second.catalogueVersion).toBe(first.catalogueVersion);
    // The very array the first statement returned: the second one did not send it.
    expect(second.catalogue).toBe(first.catalogue);
  });

  it.each([
    ['a price', (id: string) => sql`update packages set price = price + 1 where id = ${id}`],
    [
      'a package’s sessions',
      (id: string) => sql`update package_services set sessions = 9 where package_id = ${id}`,
    ],
    [
      'a service’s name',
      (id: string) => sql`update services set name_en = 'Renamed' where id in
        (select service_id from package_services where package_id = ${id})`,
    ],
    [
      'a clinic’s name',
      (id: string) => sql`update clinics set name_en = 'Renamed clinic' where id in
        (select s.clinic_id from services s
          join package_services ps on ps.service_id = s.id where ps.package_id = ${id})`,
    ],
    ['a withdrawal', (id: string) => sql`update packages set active = false where id = ${id}`],
  ])('is read again, on every instance, after a change of %s', async (_, change) => {
    const [deskA, deskB] = [new CatalogueCache(), new CatalogueCache()];
    const before = await load(deskA);
    await load(deskB);
    await change(packageId).execute(database.db);
    const [afterA, afterB] = [await load(deskA), await load(deskB)];
    expect(afterA.catalogueVersion).toBeGreaterThan(before.catalogueVersion);
    expect(afterB.catalogueVersion).toBe(afterA.catalogueVersion);
    expect(afterA.catalogue).not.toBe(before.catalogue);
    expect(afterB.catalogue).toEqual(afterA.catalogue);
    // Put back on sale for the next case.
    await sql`update packages set active = true where id = ${packageId}`.execute(database.db);
  });

  it('shows a new package at once, and a removed one no longer', async () => {
    const cache = new CatalogueCache();
    await load(cache);
    const added = await createPackage(database.db, c.tenant.id, [
      { serviceId: c.service.id, sessions: 4 },
    ]);
    expect((await load(cache)).catalogue.map((entry) => entry.id)).toContain(added.id);
    await sql`delete from package_services where package_id = ${added.id}`.execute(database.db);
    await sql`delete from packages where id = ${added.id}`.execute(database.db);
    expect((await load(cache)).catalogue.map((entry) => entry.id)).not.toContain(added.id);
  });

  it('is not read again for a change in another centre', async () => {
    const cache = new CatalogueCache();
    const before = await load(cache);
    const other = await createCatalogue(database.db);
    await createPackage(database.db, other.tenant.id, [
      { serviceId: other.service.id, sessions: 2 },
    ]);
    const after = await load(cache);
    expect(after.catalogueVersion).toBe(before.catalogueVersion);
    expect(after.catalogue).toBe(before.catalogue);
  });
});

describe('rendered catalogue markup', () => {
  it('is rendered once per version and key, and again for a new version', async () => {
    const cache = new CatalogueCache();
    const { catalogueVersion } = await load(cache);
    let renders = 0;
    const render = () => Promise.resolve(`cards ${++renders}`);
    expect(await cache.rendered(c.tenant.id, catalogueVersion, 'en SAR', render)).toBe('cards 1');
    expect(await cache.rendered(c.tenant.id, catalogueVersion, 'en SAR', render)).toBe('cards 1');
    expect(await cache.rendered(c.tenant.id, catalogueVersion, 'ar SAR', render)).toBe('cards 2');
    await sql`update packages set price = price + 1 where id = ${packageId}`.execute(database.db);
    const next = await load(cache);
    expect(await cache.rendered(c.tenant.id, next.catalogueVersion, 'en SAR', render)).toBe(
      'cards 3',
    );
    // A request still holding the old version renders for itself and keeps nothing.
    expect(await cache.rendered(c.tenant.id, catalogueVersion, 'en SAR', render)).toBe('cards 4');
    expect(await cache.rendered(c.tenant.id, next.catalogueVersion, 'en SAR', render)).toBe(
      'cards 3',
    );
  });
});
