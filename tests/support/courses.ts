import type { Database } from '../../src/db/client.js';
import { demoIds, type DemoIds } from './booking.js';
import { openSignedInDemo, type SignedInDemo } from './demo.js';
import { createPackage, createPatient, createPurchase } from './factories.js';

/** The id of a user of the demo centre, by email. */
export async function demoUserId(db: Database, email: string): Promise<string> {
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return user.id;
}

export interface CourseDesk extends SignedInDemo {
  ids: DemoIds;
  /** The demo administrator, who assigns the fresh purchases. */
  adminId: string;
  /**
   * A fresh patient holding a package of `sessions` speech sessions, bought on DEMO_NOW's day
   * (2026-11-25) and expiring on `expiry`.
   */
  freshPurchase: (
    expiry?: string,
    sessions?: number,
  ) => Promise<{ patientId: string; purchaseId: string }>;
}

/**
 * The start of the package-course tests (reschedule, series, package operations): the signed-in
 * demo of openSignedInDemo, its ids, and fresh purchases to book on.
 */
export async function openCourseDesk(email = 'frontdesk@demo.test'): Promise<CourseDesk> {
  const signedIn = await openSignedInDemo(email);
  const { database, demo } = signedIn;
  const ids = await demoIds(database.db, demo.demo);
  const adminId = await demoUserId(database.db, 'admin@demo.test');
  const freshPurchase = async (expiry = '2026-12-31', sessions = 10) => {
    const pkg = await createPackage(database.db, demo.demo, [{ serviceId: ids.speech, sessions }]);
    const patient = await createPatient(database.db, demo.demo);
    const purchase = await createPurchase(database.db, pkg, patient.id, adminId, {
      purchase_date: '2026-11-25',
      expiry_date: expiry,
    });
    return { patientId: patient.id, purchaseId: purchase.id };
  };
  return {
    ...signedIn,
    ids,
    adminId,
    freshPurchase,
  };
}
