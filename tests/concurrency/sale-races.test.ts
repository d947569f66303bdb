import { describe, expect, it } from 'vitest';
import { createPatient } from '../support/factories.js';
import { saleFormOf, salePath } from '../support/sale.js';
import { racesSkipped, useRaceFixture } from './races.js';

/** The modal's sale (SPEC §7) submitted many times at once: one purchase, one payment. */
describe.skipIf(racesSkipped)('sale races on PostgreSQL', () => {
  const fixture = useRaceFixture();
  const ROUNDS = 5;

  it(`sells once and takes one payment for one confirmation sent 20 times at once, ${ROUNDS} times`, async () => {
    const { database, demo, desk } = fixture;
    const packageId = await demo.pkg('20 ABA Therapy Package');
    for (let round = 0; round < ROUNDS; round++) {
      const patient = await createPatient(database.db, demo.demo);
      const form = {
        ...(await saleFormOf(desk, salePath(patient.id, packageId))),
        amount: '1500',
        method: 'CARD',
      };
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          desk.request('/appointments/new/assign', { form, htmx: true }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
      const purchases = await database.db
        .selectFrom('package_purchases')
        .select(['id', 'amount_paid'])
        .where('patient_id', '=', patient.id)
        .execute();
      expect(purchases).toHaveLength(1);
      expect(purchases[0]!.amount_paid).toBe('1500.00');
      const payments = await database.db
        .selectFrom('payments')
        .select('amount')
        .where('purchase_id', '=', purchases[0]!.id)
        .execute();
      expect(payments).toEqual([{ amount: '1500.00' }]);
    }
  });
});
