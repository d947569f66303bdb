import { describe, expect, it } from 'vitest';
import { toHalalas } from '../../src/domain/money.js';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import { race, racesSkipped, tally, useRaceFixture } from './races.js';

/** Payments racing on one purchase's balance, and on the tenant's invoice numbers. */
describe.skipIf(racesSkipped)('payment races on PostgreSQL', () => {
  const fixture = useRaceFixture();

  /** A fresh patient's purchase of a 5,000.00 package, nothing paid. */
  async function freshPurchase() {
    const { database, demo, ids, deskUserId } = fixture;
    const pkg = await createPackage(
      database.db,
      demo.demo,
      [{ serviceId: ids.speech, sessions: 10 }],
      { price: '5000.00' },
    );
    const patient = await createPatient(database.db, demo.demo);
    return (await createPurchase(database.db, pkg, patient.id, deskUserId)).id;
  }

  const pay = (purchaseId: string, amount: number) => () =>
    fixture.desk.request(`/appointments/api/purchases/${purchaseId}/payments/`, {
      json: { amount, method: 'CASH' },
    });

  async function invoiceNumbers(): Promise<{ numbers: number[]; counter: number }> {
    const { database, demo } = fixture;
    const rows = await database.db
      .selectFrom('payments')
      .select('invoice_number')
      .where('tenant_id', '=', demo.demo)
      .orderBy('invoice_number')
      .execute();
    const counter = await database.db
      .selectFrom('invoice_counters')
      .select('last_number')
      .where('tenant_id', '=', demo.demo)
      .executeTakeFirstOrThrow();
    return { numbers: rows.map((row) => row.invoice_number), counter: counter.last_number };
  }

  it('never takes more than the balance from 20 simultaneous payments, with gapless invoice numbers, 5 times', async () => {
    const { database } = fixture;
    for (let round = 0; round < 5; round++) {
      const purchaseId = await freshPurchase();
      // 20 × 300.00 = 6,000.00 on a balance of 5,000.00: 16 fit, 4 must be refused
      const outcomes = await race(Array.from({ length: 20 }, () => pay(purchaseId, 300)));
      const counts = tally(outcomes);
      expect(counts.serverErrors).toBe(0);
      expect(counts.succeeded).toBe(16);
      expect(outcomes.filter((outcome) => outcome.status === 422)).toHaveLength(4);

      const purchase = await database.db
        .selectFrom('package_purchases')
        .select('amount_paid')
        .where('id', '=', purchaseId)
        .executeTakeFirstOrThrow();
      const payments = await database.db
        .selectFrom('payments')
        .select('amount')
        .where('purchase_id', '=', purchaseId)
        .execute();
      const received = payments.reduce((sum, payment) => sum + toHalalas(payment.amount), 0);
      expect(received).toBe(toHalalas(purchase.amount_paid));
      expect(received).toBeLessThanOrEqual(500_000);

      const { numbers, counter } = await invoiceNumbers();
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
      expect(counter).toBe(numbers.length);
      const answered = outcomes
        .filter((outcome) => outcome.status === 201)
        .map((outcome) => outcome.body.invoice_number as number);
      expect(new Set(answered).size).toBe(16);
    }
  });

  it('keeps invoice numbers gapless when payments on different purchases race', async () => {
    const purchases = await Promise.all(Array.from({ length: 10 }, () => freshPurchase()));
    // half of them over the balance: refused after the purchase lock, before a number is taken
    const outcomes = await race(purchases.flatMap((id) => [pay(id, 4000), pay(id, 4000)]));
    expect(tally(outcomes)).toMatchObject({ succeeded: 10, serverErrors: 0 });
    const { numbers, counter } = await invoiceNumbers();
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    expect(counter).toBe(numbers.length);
  });
});
