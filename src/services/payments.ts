import type { Database } from '../db/client.js';
import { recordMoneyMovement, type MoneyMovement } from '../db/payments.js';

/** A payment or a refund in a transaction of its own (the JSON API and the patient page). */
export function takeMoneyMovement(db: Database, movement: MoneyMovement) {
  return db.transaction().execute((trx) => recordMoneyMovement(trx, movement));
}
