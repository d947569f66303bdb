import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds } from '../../support/booking.js';
import { html, type TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

/**
 * Every request staff set off themselves (live re-fetches over the event stream aside) shows
 * that it is running and disables what must not be pressed meanwhile. The search box is the
 * one exception for disabling: it keeps focus and the typing goes on.
 */
describe('feedback while a request runs', () => {
  it('gives every user-started request an indicator and disabled controls', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const ids = await demoIds(database.db, demo.demo);
    const purchase = (await demo.purchasesOf(ahmed))[0]!.id;
    const booked = await database.db
      .selectFrom('appointments')
      .select('id')
      .where('patient_id', '=', ahmed)
      .where('status', '=', 'BOOKED')
      .executeTakeFirstOrThrow();
    const pages = [
      '/appointments/new',
      `/appointments/new/patients?q=Ahmed`,
      `/appointments/new/package-modal?patient_id=${ahmed}`,
      `/appointments/new/package?patient_id=${ahmed}&package_purchase_id=${purchase}`,
      `/appointments/new/providers?clinic_id=${ids.slp}`,
      `/appointments/${booked.id}`,
    ];
    const triggers: string[] = [];
    for (const path of pages) {
      const page = html(await (await desk.request(path, { htmx: path !== pages[0] })).text());
      for (const element of page.querySelectorAll('[hx-get], [hx-post]')) {
        if ((element.getAttribute('hx-trigger') ?? '').startsWith('sse:')) continue;
        const name =
          element.id || element.getAttribute('hx-get') || element.getAttribute('hx-post');
        triggers.push(name!);
        // Without hx-indicator htmx marks the element itself: buttons and forms show a spinner.
        const indicated =
          element.hasAttribute('hx-indicator') ||
          element.classList.contains('button') ||
          element.tagName === 'FORM';
        expect(indicated, `${name} shows it is loading`).toBe(true);
        if (element.id !== 'patient-search') {
          expect(element.hasAttribute('hx-disabled-elt'), `${name} disables`).toBe(true);
        }
      }
    }
    expect(triggers).toEqual(
      expect.arrayContaining([
        'patient-search',
        'booking-form',
        'type-package',
        'clinic',
        `/appointments/${booked.id}/cancel`,
      ]),
    );
    expect(triggers.length).toBeGreaterThan(10);
  });
});
