import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rescheduleAppointment } from '../../src/db/appointment-moves.js';
import { bookAppointment, cancelAppointment } from '../../src/db/appointments.js';
import { createClinic, updateClinic } from '../../src/db/clinics.js';
import type { Database } from '../../src/db/client.js';
import { NotFound } from '../../src/domain/errors.js';
import { submitOnce } from '../../src/db/form-submissions.js';
import { extendExpiry } from '../../src/db/package-operations.js';
import { registerPatient } from '../../src/db/patients.js';
import { setUserActive } from '../../src/db/users.js';
import { publishChange, type ChangeEvent } from '../../src/events/bus.js';
import { createTenant, createUser } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const actor = { id: randomUUID(), role: 'ADMIN' as const, ip: null };

describe('transactions are opened by the caller', () => {
  it('does not type-check a write or a lock without a transaction (tsc checks the lines below)', () => {
    // Never called: the compiler is the test. Each line would run outside any transaction.
    const withThePlainDatabase = (db: Database) => [
      // @ts-expect-error a booking takes advisory and row locks held until commit
      () => bookAppointment(db, {} as never, actor, {} as never, new Date()),
      // @ts-expect-error the appointment row is locked until commit
      () => cancelAppointment(db, {} as never, actor, randomUUID(), {} as never, new Date()),
      // @ts-expect-error the calendars and the appointment row are locked until commit
      () => rescheduleAppointment(db, {} as never, actor, randomUUID(), {} as never, new Date()),
      // @ts-expect-error the form token's row is the lock a double submit waits on
      () => submitOnce(db, { tenantId: '', token: '', entity: '' }, () => Promise.resolve('')),
      // @ts-expect-error the patient and the MRN counter are locked until commit
      () => registerPatient(db, {} as never, {} as never),
      // @ts-expect-error the purchase row is locked until commit
      () => extendExpiry(db, {} as never),
      // @ts-expect-error the tenant's row is locked until commit
      () => setUserActive(db, {} as never, randomUUID(), false),
      // @ts-expect-error NOTIFY is sent at the commit of the transaction that made the change
      () => publishChange(db, {} as ChangeEvent),
    ];
    const inATransaction = (db: Database) =>
      db.transaction().execute((trx) => publishChange(trx, {} as ChangeEvent));
    expect(withThePlainDatabase).toBeTypeOf('function');
    expect(inATransaction).toBeTypeOf('function');
  });

  it('composes writes: a refusal in the second rolls back the first', async () => {
    const { db } = database;
    const tenant = await createTenant(db);
    const admin = { id: (await createUser(db, tenant.id, { role: 'ADMIN' })).id, ip: null };
    const clinic = { name_en: 'Kept only with the update', name_ar: 'عيادة', specialty: 'SLP' };
    await expect(
      db.transaction().execute(async (trx) => {
        await createClinic(trx, tenant.id, admin, randomUUID(), clinic);
        await updateClinic(trx, tenant.id, admin, randomUUID(), clinic);
      }),
    ).rejects.toBeInstanceOf(NotFound);
    const kept = await db
      .selectFrom('clinics')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .unionAll(db.selectFrom('audit_log').select('id').where('tenant_id', '=', tenant.id))
      .execute();
    expect(kept).toEqual([]);
  });
});
