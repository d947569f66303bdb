import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound } from '../domain/errors.js';
import { orderForModal, suggestedPurchaseId } from '../domain/purchases.js';
import { withPackagesViewAudit, type PackagesView } from './audit.js';
import type { Database } from './client.js';
import { activeCatalogue } from './packages.js';
import { patientSummaryColumns } from './patients.js';
import { openPurchases } from './purchases.js';

/**
 * Everything the package modal (and its JSON twin) shows, in one statement whatever the number
 * of packages: the patient, their open purchases and the active catalogue nested as JSON. One
 * round-trip instead of three: on the hot path, statements cost more than the rows they read.
 * The same statement writes the view's audit row (with the patient, or not at all).
 */
export async function loadPatientPackages(
  db: Database,
  tenantId: string,
  patientId: string,
  today: string,
  view: PackagesView,
) {
  const row = await withPackagesViewAudit(db, tenantId, patientId, view)
    .selectFrom('patients')
    .select(patientSummaryColumns)
    .select(() => [
      jsonArrayFrom(openPurchases(db, tenantId, patientId, today)).as('purchases'),
      jsonArrayFrom(activeCatalogue(db, tenantId)).as('catalogue'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!row) throw new NotFound('patientNotFound');
  const { purchases, catalogue, ...patient } = row;
  return {
    patient,
    purchases: orderForModal(purchases, today),
    suggestedId: suggestedPurchaseId(purchases, today),
    catalogue,
    today,
  };
}

export type PatientPackages = Awaited<ReturnType<typeof loadPatientPackages>>;
