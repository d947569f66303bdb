import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Prices include VAT at the centre's rate (0.15 for 15 %); receipts show the VAT part.
  await sql`
    alter table tenants
      add column vat_rate numeric(5, 4) not null default 0
        constraint tenants_vat_rate_range check (vat_rate >= 0 and vat_rate < 1),
      add column vat_number text,
      add column country text constraint tenants_country_code check (country ~ '^[A-Z]{2}$')
  `.execute(db);

  // What the patient owes: price − discount − amount_paid (amount_paid is net of refunds).
  await sql`
    alter table package_purchases
      add column discount numeric(12, 2) not null default 0,
      add column discount_reason text,
      add column amount_paid numeric(12, 2) not null default 0,
      add constraint package_purchases_discount_range check (discount between 0 and price),
      add constraint package_purchases_amount_paid_range
        check (amount_paid between 0 and price - discount)
  `.execute(db);

  // The last invoice number handed out per tenant. A payment locks this row in its own
  // transaction, so numbers are taken in commit order and a rolled-back payment leaves no gap.
  await sql`
    create table invoice_counters (
      tenant_id uuid primary key references tenants (id),
      last_number integer not null check (last_number >= 0)
    )`.execute(db);

  // Payments and refunds are rows of their own, never edits; each is a numbered receipt.
  await sql`
    create table payments (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      purchase_id uuid not null,
      kind text not null check (kind in ('PAYMENT', 'REFUND')),
      amount numeric(12, 2) not null constraint payments_amount_positive check (amount > 0),
      vat_amount numeric(12, 2) not null check (vat_amount between 0 and amount),
      method text not null check (method in ('CASH', 'CARD', 'BANK_TRANSFER')),
      reference text,
      reason text,
      received_by uuid not null,
      received_at timestamptz not null default now(),
      idempotency_key text,
      invoice_number integer not null check (invoice_number > 0),
      primary key (tenant_id, id),
      foreign key (tenant_id, purchase_id) references package_purchases (tenant_id, id),
      foreign key (tenant_id, received_by) references users (tenant_id, id),
      constraint payments_refund_reason check (kind = 'PAYMENT' or reason is not null),
      constraint payments_idempotency_key unique (tenant_id, idempotency_key),
      constraint payments_invoice_number unique (tenant_id, invoice_number)
    )`.execute(db);
  await sql`create index payments_purchase_idx on payments (tenant_id, purchase_id, received_at)`.execute(
    db,
  );
  await sql`create index payments_received_idx on payments (tenant_id, received_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table payments, invoice_counters`.execute(db);
  await sql`
    alter table package_purchases
      drop column discount, drop column discount_reason, drop column amount_paid`.execute(db);
  await sql`
    alter table tenants drop column vat_rate, drop column vat_number, drop column country`.execute(
    db,
  );
}
