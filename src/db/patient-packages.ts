import { NotFound } from '../domain/errors.js';
import { orderForModal, suggestedPurchaseId } from '../domain/purchases.js';
import type { Database } from './client.js';
import { listActiveCatalogue } from './packages.js';
import { findPatient } from './patients.js';
import { listOpenPurchases } from './purchases.js';

/**
 * Everything the package modal (and its JSON twin) shows, in three queries whatever the
 * number of packages: the patient, their open purchases, the active catalogue.
 */
export async function loadPatientPackages(
  db: Database,
  tenantId: string,
  patientId: string,
  today: string,
) {
  const patient = await findPatient(db, tenantId, patientId);
  if (!patient) throw new NotFound('Patient not found.');
  const purchases = await listOpenPurchases(db, tenantId, patientId);
  const catalogue = await listActiveCatalogue(db, tenantId);
  return {
    patient,
    purchases: orderForModal(purchases, today),
    suggestedId: suggestedPurchaseId(purchases, today),
    catalogue,
    today,
  };
}

export type PatientPackages = Awaited<ReturnType<typeof loadPatientPackages>>;
