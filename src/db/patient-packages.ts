import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound } from '../domain/errors.js';
import { orderForModal, suggestedPurchaseId } from '../domain/purchases.js';
import { withPackagesViewAudit, type PackagesView } from './audit.js';
import type { CatalogueCache } from './catalogue-cache.js';
import type { Database } from './client.js';
import { activeCatalogue, type CatalogueEntry } from './packages.js';
import { patientSummaryColumns } from './patients.js';
import { prepared } from './prepared.js';
import { openPurchases } from './purchases.js';

/**
 * Everything the package modal (and its JSON twin) shows, in one statement whatever the number
 * of packages: the patient, their open purchases and the active catalogue nested as JSON. One
 * round-trip instead of three: on the hot path, statements cost more than the rows they read.
 * The same statement writes the view's audit row (with the patient, or not at all).
 *
 * The catalogue is the same for every patient of a centre: the statement reads its version
 * too, and sends it only when `catalogues` does not hold that version already.
 */
export async function loadPatientPackages(
  db: Database,
  catalogues: CatalogueCache,
  tenantId: string,
  patientId: string,
  today: string,
  view: PackagesView,
) {
  const held = catalogues.held(tenantId);
  const [row] = await patientPackages(db, {
    tenantId,
    patientId,
    today,
    ...view,
    // 0: none held (versions start at 1).
    heldVersion: held?.version ?? 0,
  });
  if (!row) throw new NotFound('patientNotFound');
  const { purchases, catalogue, catalogue_version, ...patient } = row;
  const catalogueVersion = catalogue_version!;
  if (catalogue) catalogues.remember(tenantId, catalogueVersion, catalogue);
  return {
    patient,
    purchases: orderForModal(purchases, today),
    suggestedId: suggestedPurchaseId(purchases, today),
    // Not sent: the statement found the version held.
    catalogue: catalogue ?? held!.catalogue,
    catalogueVersion,
    today,
  };
}

const patientPackages = prepared(
  (
    db,
    values: PackagesView & {
      tenantId: string;
      patientId: string;
      today: string;
      heldVersion: number;
    },
  ) => {
    const { tenantId, patientId } = values;
    const version = db.selectFrom('tenants').select('catalogue_version').where('id', '=', tenantId);
    return withPackagesViewAudit(db, tenantId, patientId, values)
      .selectFrom('patients')
      .select(patientSummaryColumns)
      .select((eb) => [
        jsonArrayFrom(openPurchases(db, tenantId, patientId, values.today)).as('purchases'),
        version.as('catalogue_version'),
        eb
          .case()
          .when(version, '=', values.heldVersion)
          .then(sql<CatalogueEntry[] | null>`null`)
          .else(jsonArrayFrom(activeCatalogue(db, tenantId)))
          .end()
          .as('catalogue'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', patientId);
  },
);

export type PatientPackages = Awaited<ReturnType<typeof loadPatientPackages>>;
