import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementName, type Database } from '../../src/db/client.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';
import { createTenant } from '../support/factories.js';

describe('statementName', () => {
  it('names the same text the same way and different texts differently', () => {
    const text = 'select "id" from "tenants" where "id" = $1';
    expect(statementName(text)).toBe(statementName(text));
    expect(statementName(text)).not.toBe(statementName(`${text} and "name" = $2`));
  });

  it('fits PostgreSQL identifiers (63 bytes)', () => {
    const name = statementName('select 1'.repeat(1000))!;
    expect(name).toMatch(/^k_[\w-]+$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('prepares queries only, leading blanks and case aside', () => {
    for (const text of ['select 1', '\n  with x as (select 1) select * from x', 'INSERT into t']) {
      expect(statementName(text)).toBeDefined();
    }
    for (const text of ['create table t (id int)', 'truncate t', 'begin', 'selection']) {
      expect(statementName(text)).toBeUndefined();
    }
  });
});

describe('queries through the preparing pool', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = testDb.db;
  });

  afterAll(async () => {
    await testDb?.close();
  });

  it('answer each parameter value with its own rows, dates as strings', async () => {
    const riyadh = await createTenant(db, { timezone: 'Asia/Riyadh' });
    const cairo = await createTenant(db, { timezone: 'Africa/Cairo' });
    const find = (id: string) =>
      db
        .selectFrom('tenants')
        .select(['timezone', sql<string>`date '2026-01-30'`.as('day')])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    // More runs than PostgreSQL's five custom plans, so the cached generic plan answers too.
    for (let run = 0; run < 7; run++) {
      expect(await find(riyadh.id)).toEqual({ timezone: 'Asia/Riyadh', day: '2026-01-30' });
      expect(await find(cairo.id)).toEqual({ timezone: 'Africa/Cairo', day: '2026-01-30' });
    }
  });

  it.skipIf(!onRealPostgres)('are prepared once per connection under their name', async () => {
    const query = db.selectFrom('tenants').select('id').where('name', '=', 'nobody');
    const { sql: text } = query.compile();
    const prepared = await db.connection().execute(async (connection) => {
      await query.execute();
      await connection.selectFrom('tenants').select('id').where('name', '=', 'nobody').execute();
      await connection.selectFrom('tenants').select('id').where('name', '=', 'again').execute();
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements`.execute(connection);
      return rows;
    });
    const matching = prepared.filter((row) => row.statement === text);
    expect(matching).toEqual([{ name: statementName(text), statement: text }]);
  });

  it('leaves DDL unprepared and working', async () => {
    await sql`create table scratch_ddl (id int)`.execute(db);
    await sql`drop table scratch_ddl`.execute(db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables
      where tablename = 'scratch_ddl'`.execute(db);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
