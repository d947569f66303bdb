import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.js';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db, new Date());
});
afterAll(() => database.close());

it.each(DEMO_LOGINS)('signs in as the demo $role $email', async ({ email, role }) => {
  const client = new TestClient(createTestApp(database.db).app);
  await client.login(email, DEMO_PASSWORD);
  const tenant = email.endsWith('@other.test') ? 'Other Clinic' : 'Demo Therapy Centre';
  const answer = await client.request('/');
  if (role === 'PROVIDER') {
    // A provider's home is their own day.
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/my-day');
    const day = html(await (await client.request('/my-day')).text());
    expect(day.querySelector('.topbar-user')?.text).toContain(tenant);
    return;
  }
  const home = html(await answer.text());
  expect(home.querySelector('#home-facts')?.text).toContain(tenant);
  expect(home.querySelector('#home-facts')?.text).toContain(email);
});
