import type { Database } from './client.js';

export interface ProviderOption {
  id: string;
  name_en: string;
  name_ar: string;
}

/** Active providers working in a clinic. */
export function listProvidersForClinic(
  db: Database,
  tenantId: string,
  clinicId: string,
): Promise<ProviderOption[]> {
  return db
    .selectFrom('providers')
    .innerJoin('provider_clinics', (join) =>
      join
        .onRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
        .onRef('provider_clinics.provider_id', '=', 'providers.id'),
    )
    .select(['providers.id', 'providers.name_en', 'providers.name_ar'])
    .where('providers.tenant_id', '=', tenantId)
    .where('provider_clinics.clinic_id', '=', clinicId)
    .where('providers.active', '=', true)
    .orderBy('providers.name_en')
    .execute();
}

export async function providerExists(
  db: Database,
  tenantId: string,
  providerId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('providers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', providerId)
    .executeTakeFirst();
  return row !== undefined;
}
