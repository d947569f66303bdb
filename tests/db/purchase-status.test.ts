import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { extendExpiry } from '../../src/db/package-operations.js';
import { listPurchaseHistory } from '../../src/db/patient-history.js';
import { loadPatientPackages } from '../../src/db/patient-packages.js';
import { CatalogueCache } from '../../src/db/catalogue-cache.js';
import { findBookablePurchase } from '../../src/db/purchases.js';
import {
  type Catalogue,
  createCatalogue,
  createPackage,
  createPurchase,
} from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * A purchase stored ACTIVE whose expiry date has passed reads as EXPIRED wherever its status is
 * read, from the day after its expiry date, with no job rewriting it.
 */

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(() => testDb?.close());

const TODAY = '2030-03-04';

/** Stored ACTIVE, expiring on `expiry`. */
async function activePurchase(c: Catalogue, expiry: string) {
  const pkg = await createPackage(db, c.tenant.id, [{ serviceId: c.service.id, sessions: 10 }]);
  return createPurchase(db, pkg, c.patient.id, c.user.id, {
    purchase_date: '2030-01-01',
    expiry_date: expiry,
    status: 'ACTIVE',
  });
}

describe('a purchase past its expiry date', () => {
  it('reads as EXPIRED in the package modal, the patient history and the booking check', async () => {
    const c = await createCatalogue(db);
    const expired = await activePurchase(c, '2030-03-03');
    const view = { actorId: c.user.id, ip: null, screen: 'package_modal' as const };
    const packages = await loadPatientPackages(
      db,
      new CatalogueCache(),
      c.tenant.id,
      c.patient.id,
      TODAY,
      view,
    );
    expect(packages.purchases.map((p) => p.status)).toEqual(['EXPIRED']);
    const history = await listPurchaseHistory(db, c.tenant.id, c.patient.id, TODAY);
    expect(history.map((p) => p.status)).toEqual(['EXPIRED']);
    await expect(
      findBookablePurchase(
        db,
        c.tenant.id,
        { purchaseId: expired.id, patientId: c.patient.id },
        TODAY,
        { range: { from: new Date(), to: null }, now: new Date() },
      ),
    ).rejects.toMatchObject({ code: 'package_expired' });
  });

  it('is still ACTIVE on its expiry date', async () => {
    const c = await createCatalogue(db);
    await activePurchase(c, TODAY);
    const history = await listPurchaseHistory(db, c.tenant.id, c.patient.id, TODAY);
    expect(history.map((p) => p.status)).toEqual(['ACTIVE']);
  });

  it('stays EXPIRED after an extension that does not reach today', async () => {
    const c = await createCatalogue(db);
    const expired = await activePurchase(c, '2030-02-01');
    const extended = await db.transaction().execute((trx) =>
      extendExpiry(trx, {
        tenantId: c.tenant.id,
        patientId: c.patient.id,
        purchaseId: expired.id,
        extension: { days: 7 },
        reason: 'Medical leave',
        today: TODAY,
        actor: { id: c.user.id, ip: null },
      }),
    );
    expect(extended).toEqual({ expiry_date: '2030-02-08', status: 'EXPIRED' });
  });
});
