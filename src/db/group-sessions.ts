import type { Database } from './client.js';

export interface GroupSessionOption {
  id: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  seats_taken: number;
  service_en: string;
  service_ar: string;
  provider_en: string;
  provider_ar: string;
}

/** Upcoming group sessions of a clinic (and service) that still have a seat. */
export function listOpenGroupSessions(
  db: Database,
  tenantId: string,
  filter: { clinicId: string; serviceId: string | null },
  now: Date,
): Promise<GroupSessionOption[]> {
  let query = db
    .selectFrom('group_sessions')
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'group_sessions.tenant_id')
        .onRef('services.id', '=', 'group_sessions.service_id'),
    )
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'group_sessions.tenant_id')
        .onRef('providers.id', '=', 'group_sessions.provider_id'),
    )
    .select([
      'group_sessions.id',
      'group_sessions.starts_at',
      'group_sessions.ends_at',
      'group_sessions.capacity',
      'group_sessions.seats_taken',
      'services.name_en as service_en',
      'services.name_ar as service_ar',
      'providers.name_en as provider_en',
      'providers.name_ar as provider_ar',
    ])
    .where('group_sessions.tenant_id', '=', tenantId)
    .where('group_sessions.clinic_id', '=', filter.clinicId)
    .where('group_sessions.status', '=', 'SCHEDULED')
    .where('group_sessions.starts_at', '>', now)
    .whereRef('group_sessions.seats_taken', '<', 'group_sessions.capacity');
  if (filter.serviceId) query = query.where('group_sessions.service_id', '=', filter.serviceId);
  return query.orderBy('group_sessions.starts_at').limit(50).execute();
}
