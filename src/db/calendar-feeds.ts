import { createHash, randomBytes } from 'node:crypto';
import { NotFound } from '../domain/errors.js';
import { recordAudit, type StaffActor } from './audit.js';
import type { Database, DbTransaction } from './client.js';

/** A feed's URL token: 32 random bytes; only its SHA-256 is stored. */
export function newFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new private feed of one provider's or one clinic's appointments; the token to hand out. */
export async function createCalendarFeed(
  db: Database,
  tenantId: string,
  owner: { providerId: string } | { clinicId: string },
  createdBy: string,
): Promise<{ id: string; token: string }> {
  const token = newFeedToken();
  const row = await db
    .insertInto('calendar_feeds')
    .values({
      tenant_id: tenantId,
      provider_id: 'providerId' in owner ? owner.providerId : null,
      clinic_id: 'clinicId' in owner ? owner.clinicId : null,
      token_hash: feedTokenHash(token),
      created_by: createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeCalendarFeed(
  db: Database,
  tenantId: string,
  feedId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('calendar_feeds')
    .set({ revoked_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', feedId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type FeedOwner = { providerId: string } | { clinicId: string };

/**
 * A new feed for the administrators' page, audited (never with its token): the owner must be
 * one of the centre's providers or clinics, else 404.
 */
export async function openCalendarFeed(
  trx: DbTransaction,
  actor: StaffActor,
  owner: FeedOwner,
): Promise<{ id: string; token: string }> {
  const found =
    'providerId' in owner
      ? await trx
          .selectFrom('providers')
          .select('id')
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', owner.providerId)
          .executeTakeFirst()
      : await trx
          .selectFrom('clinics')
          .select('id')
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', owner.clinicId)
          .executeTakeFirst();
  if (!found) {
    throw 'providerId' in owner ? new NotFound('providerNotFound') : new NotFound('clinicNotFound');
  }
  const feed = await createCalendarFeed(trx, actor.tenantId, owner, actor.userId);
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    action: 'calendar_feed.create',
    entity: 'calendar_feed',
    entityId: feed.id,
    after:
      'providerId' in owner ? { provider_id: owner.providerId } : { clinic_id: owner.clinicId },
    ip: actor.ip,
  });
  return feed;
}

/** Revokes a live feed at once (its URL answers 404 from now on), audited; else 404. */
export async function endCalendarFeed(
  trx: DbTransaction,
  actor: StaffActor,
  feedId: string,
  now: Date,
): Promise<void> {
  if (!(await revokeCalendarFeed(trx, actor.tenantId, feedId, now))) {
    throw new NotFound('calendarFeedNotFound');
  }
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    action: 'calendar_feed.revoke',
    entity: 'calendar_feed',
    entityId: feedId,
    after: { revoked_at: now },
    ip: actor.ip,
  });
}

/** A live feed as the administrators' page lists it: whose, since when, made by whom. */
export interface LiveFeed {
  id: string;
  provider_id: string | null;
  clinic_id: string | null;
  created_at: Date;
  created_by: string;
}

/** The centre's providers and clinics, each to be given feeds, and the feeds still live. */
export async function listFeedOwners(db: Database, tenantId: string) {
  const [providers, clinics, feeds] = await Promise.all([
    db
      .selectFrom('providers')
      .select(['id', 'name_en', 'name_ar', 'active'])
      .where('tenant_id', '=', tenantId)
      .orderBy('name_en')
      .execute(),
    db
      .selectFrom('clinics')
      .select(['id', 'name_en', 'name_ar', 'active'])
      .where('tenant_id', '=', tenantId)
      .orderBy('name_en')
      .execute(),
    db
      .selectFrom('calendar_feeds as f')
      .innerJoin('users as u', (join) =>
        join.onRef('u.tenant_id', '=', 'f.tenant_id').onRef('u.id', '=', 'f.created_by'),
      )
      .select(['f.id', 'f.provider_id', 'f.clinic_id', 'f.created_at', 'u.name as created_by'])
      .where('f.tenant_id', '=', tenantId)
      .where('f.revoked_at', 'is', null)
      .orderBy('f.created_at')
      .execute(),
  ]);
  return { providers, clinics, feeds: feeds satisfies LiveFeed[] };
}

export type FeedOwners = Awaited<ReturnType<typeof listFeedOwners>>;

/** How far back and ahead a feed reaches: calendar apps poll it every few hours. */
const PAST_DAYS = 30;
const FUTURE_DAYS = 365;

/**
 * The live feed of a token, or null (unknown or revoked): the centre, whose calendar it is,
 * and its appointments that still happen, around `now`.
 */
export async function findFeed(db: Database, token: string, now: Date) {
  const feed = await db
    .selectFrom('calendar_feeds as f')
    .innerJoin('tenants as t', 't.id', 'f.tenant_id')
    .leftJoin('providers as pr', (join) =>
      join.onRef('pr.tenant_id', '=', 'f.tenant_id').onRef('pr.id', '=', 'f.provider_id'),
    )
    .leftJoin('clinics as c', (join) =>
      join.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.id', '=', 'f.clinic_id'),
    )
    .select([
      'f.tenant_id',
      'f.provider_id',
      'f.clinic_id',
      't.name as centre',
      't.timezone',
      'pr.name_en as provider_name',
      'c.name_en as clinic_name',
    ])
    .where('f.token_hash', '=', feedTokenHash(token))
    .where('f.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!feed) return null;
  let query = db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', (join) =>
      join.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.patient_id'),
    )
    .innerJoin('services as s', (join) =>
      join.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.service_id'),
    )
    .innerJoin('clinics as c', (join) =>
      join.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.clinic_id'),
    )
    .innerJoin('providers as pr', (join) =>
      join.onRef('pr.tenant_id', '=', 'a.tenant_id').onRef('pr.id', '=', 'a.provider_id'),
    )
    .select([
      'a.id',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      'a.updated_at',
      'a.session_number_in_package',
      'p.name_en as patient',
      's.name_en as service',
      'c.name_en as clinic',
      'pr.name_en as provider',
    ])
    .where('a.tenant_id', '=', feed.tenant_id)
    .where('a.status', 'not in', ['CANCELLED', 'LATE_CANCELLED'])
    .where('a.starts_at', '>=', new Date(now.getTime() - PAST_DAYS * 86_400_000))
    .where('a.starts_at', '<', new Date(now.getTime() + FUTURE_DAYS * 86_400_000))
    .orderBy('a.starts_at');
  query = feed.provider_id
    ? query.where('a.provider_id', '=', feed.provider_id)
    : query.where('a.clinic_id', '=', feed.clinic_id!);
  return { ...feed, appointments: await query.execute() };
}

export type Feed = NonNullable<Awaited<ReturnType<typeof findFeed>>>;
