import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { TestClient } from './client.js';

/** Ids of the demo centre's clinics, services and providers, by the names the tests use. */
export async function demoIds(db: Database, tenantId: string) {
  const named = async (table: 'clinics' | 'services' | 'providers', name: string) =>
    (
      await db
        .selectFrom(table)
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  return {
    slp: await named('clinics', 'SLP Clinic'),
    aba: await named('clinics', 'ABA Clinic'),
    speech: await named('services', 'Speech Therapy Session'),
    assessment: await named('services', 'Speech Assessment'),
    aba_therapy: await named('services', 'ABA Therapy'),
    huda: await named('providers', 'Dr. Huda Al-Zahrani'),
    faisal: await named('providers', 'Dr. Faisal Al-Ghamdi'),
    reem: await named('providers', 'Dr. Reem Al-Mutairi'),
  };
}

export type DemoIds = Awaited<ReturnType<typeof demoIds>>;

/** Free slots through the JSON API. */
export async function freeSlots(
  client: TestClient,
  query: { providerId: string; date: string; patientId?: string; duration?: number },
): Promise<{ start: string; end: string }[]> {
  const patient = query.patientId ? `&patient_id=${query.patientId}` : '';
  const response = await client.request(
    `/appointments/api/slots/?provider_id=${query.providerId}&date=${query.date}` +
      `&duration=${query.duration ?? 45}${patient}`,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { slots: { start: string; end: string }[] }).slots;
}
