import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types, maintained by hand beside the migrations. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in (`default now()`), which updates may still set. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns travel as 'YYYY-MM-DD' strings on both drivers (see client.ts). */
type DateString = string;
/** `numeric(12,2)` travels as a string, e.g. '5000.00'. */
type Money = ColumnType<string, string | number, string | number>;
type Json = ColumnType<unknown, string | null, string | null>;

export type Role = 'ADMIN' | 'FRONT_DESK' | 'PROVIDER' | 'FINANCE';
export type Locale = 'en' | 'ar';
export type PurchaseStatus = 'ACTIVE' | 'COMPLETED' | 'EXPIRED' | 'CANCELLED' | 'TRANSFERRED';
export type AppointmentKind = 'SINGLE' | 'PACKAGE' | 'GROUP';
export type AppointmentStatus =
  'BOOKED' | 'CONFIRMED' | 'ARRIVED' | 'COMPLETED' | 'CANCELLED' | 'LATE_CANCELLED' | 'NO_SHOW';

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  timezone: string;
  currency: string;
  cancellation_window_hours: Generated<number>;
  log_messages: Generated<boolean>;
  email_messages: Generated<boolean>;
  sms_messages: Generated<boolean>;
  whatsapp_messages: Generated<boolean>;
  /** Null: no reminders. */
  reminder_hours_before: ColumnType<number | null, number | null | undefined, number | null>;
  /** 'HH:MM:SS' in the tenant's zone; the quiet hours run from start to end (over midnight). */
  quiet_hours_start: Generated<string>;
  quiet_hours_end: Generated<string>;
  /** The VAT share of prices, e.g. '0.1500' for 15 % (prices include VAT). */
  vat_rate: ColumnType<string, string | number | undefined, string | number>;
  vat_number: string | null;
  /** ISO 3166-1 alpha-2, e.g. 'SA'. */
  country: string | null;
  /** Moved by triggers on every change to the catalogue (packages, services, clinics). */
  catalogue_version: Generated<number>;
  created_at: DefaultedTimestamp;
}

export interface UsersTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  locale: Generated<Locale>;
  active: Generated<boolean>;
  created_at: DefaultedTimestamp;
  /** The clinic the desk's calendar shows; null: all of them. */
  calendar_clinic_id: Generated<string | null>;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  csrf_token: string;
  expires_at: Timestamp;
  created_at: DefaultedTimestamp;
}

export interface ClinicsTable {
  tenant_id: string;
  id: Generated<string>;
  name_en: string;
  name_ar: string;
  specialty: string;
  active: Generated<boolean>;
}

export interface ServicesTable {
  tenant_id: string;
  id: Generated<string>;
  clinic_id: string;
  name_en: string;
  name_ar: string;
  default_duration_minutes: number;
  price: Money;
  active: Generated<boolean>;
}

export interface ProvidersTable {
  tenant_id: string;
  id: Generated<string>;
  name_en: string;
  name_ar: string;
  user_id: string | null;
  active: Generated<boolean>;
}

export interface ProviderClinicsTable {
  tenant_id: string;
  provider_id: string;
  clinic_id: string;
}

export interface ProviderSchedulesTable {
  tenant_id: string;
  id: Generated<string>;
  provider_id: string;
  weekday: number;
  /** 'HH:MM:SS' */
  start_time: string;
  end_time: string;
}

export interface ProviderTimeOffTable {
  tenant_id: string;
  id: Generated<string>;
  provider_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: Generated<string>;
}

export interface PackagesTable {
  tenant_id: string;
  id: Generated<string>;
  name_en: string;
  name_ar: string;
  price: Money;
  validity_days: number;
  active: Generated<boolean>;
  created_at: DefaultedTimestamp;
}

export interface PackageServicesTable {
  tenant_id: string;
  package_id: string;
  service_id: string;
  sessions: number;
}

export interface PatientsTable {
  tenant_id: string;
  id: Generated<string>;
  mrn: string;
  name_en: string;
  name_ar: string | null;
  date_of_birth: DateString | null;
  phone: string | null;
  email: ColumnType<string | null, string | null | undefined, string | null>;
  preferred_language: Generated<Locale>;
  consent_reminders: Generated<boolean>;
  consent_email: Generated<boolean>;
  consent_sms: Generated<boolean>;
  consent_whatsapp: Generated<boolean>;
  created_at: DefaultedTimestamp;
}

export interface PackagePurchasesTable {
  tenant_id: string;
  id: Generated<string>;
  patient_id: string;
  package_id: string;
  name_en: string;
  name_ar: string;
  purchase_date: DateString;
  expiry_date: DateString;
  total_sessions: number;
  sessions_used: Generated<number>;
  price: Money;
  discount: ColumnType<string, string | number | undefined, string | number>;
  discount_reason: string | null;
  /** Payments less refunds; never above price − discount. */
  amount_paid: ColumnType<string, string | number | undefined, string | number>;
  status: Generated<PurchaseStatus>;
  idempotency_key: string | null;
  assigned_by: string;
  created_at: DefaultedTimestamp;
  /** The purchase a transfer took this one's sessions from. */
  transferred_from: Generated<string | null>;
}

export interface PurchaseServicesTable {
  tenant_id: string;
  purchase_id: string;
  service_id: string;
  sessions: number;
  sessions_used: Generated<number>;
}

export interface GroupSessionsTable {
  tenant_id: string;
  id: Generated<string>;
  clinic_id: string;
  service_id: string;
  provider_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  capacity: number;
  seats_taken: Generated<number>;
  status: Generated<'SCHEDULED' | 'CANCELLED'>;
}

export interface AppointmentsTable {
  tenant_id: string;
  id: Generated<string>;
  patient_id: string;
  provider_id: string;
  clinic_id: string;
  service_id: string;
  kind: AppointmentKind;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<AppointmentStatus>;
  status_reason: string | null;
  package_purchase_id: string | null;
  session_number_in_package: number | null;
  group_session_id: string | null;
  idempotency_key: string | null;
  booked_by: string;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<string>;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: Json;
  after: Json;
  at: DefaultedTimestamp;
  ip: string | null;
}

export interface PatientMrnCountersTable {
  tenant_id: string;
  last_number: number;
}

export interface FormSubmissionsTable {
  tenant_id: string;
  token: string;
  entity: string;
  /** Null only while the claiming transaction is still creating the row. */
  entity_id: string | null;
  created_at: DefaultedTimestamp;
}

export type ThrottleScope = 'pair' | 'account' | 'address';

/**
 * Sign-in attempts per (account, address) pair, per account (address '') and per address
 * (account ''); not tenant-owned.
 */
export interface LoginThrottlesTable {
  scope: ThrottleScope;
  account: string;
  address: string;
  failures: number;
  last_failure_at: Timestamp;
  locked_until: Timestamp | null;
}

export type MessageKind = 'booked' | 'cancelled' | 'rescheduled' | 'reminder';
export type MessageChannel = 'log' | 'email' | 'sms' | 'whatsapp';
export type MessageStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'skipped';

/** The outbox (src/messages/): one row per message to deliver, written with its change. */
export interface MessagesTable {
  tenant_id: string;
  id: Generated<string>;
  appointment_id: string;
  kind: MessageKind;
  channel: MessageChannel;
  dedupe_key: string;
  appointment_starts_at: Timestamp;
  status: Generated<MessageStatus>;
  attempts: Generated<number>;
  available_at: Timestamp;
  claim_token: ColumnType<string | null, string | null | undefined, string | null>;
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultedTimestamp;
}

/** A private iCalendar URL of one provider's or one clinic's appointments. */
export interface CalendarFeedsTable {
  tenant_id: string;
  id: Generated<string>;
  provider_id: string | null;
  clinic_id: string | null;
  /** Hex SHA-256 of the token in the URL. */
  token_hash: string;
  created_by: string;
  created_at: DefaultedTimestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type PaymentKind = 'PAYMENT' | 'REFUND';
export type PaymentMethod = 'CASH' | 'CARD' | 'BANK_TRANSFER';

/** A payment or a refund of a purchase: each a receipt numbered per tenant without gaps. */
export interface PaymentsTable {
  tenant_id: string;
  id: Generated<string>;
  purchase_id: string;
  kind: PaymentKind;
  amount: Money;
  /** The VAT included in `amount`, at the centre's rate when it was received. */
  vat_amount: Money;
  method: PaymentMethod;
  reference: string | null;
  reason: string | null;
  received_by: string;
  received_at: DefaultedTimestamp;
  idempotency_key: string | null;
  invoice_number: number;
}

export interface InvoiceCountersTable {
  tenant_id: string;
  last_number: number;
}

export interface DB {
  tenants: TenantsTable;
  users: UsersTable;
  sessions: SessionsTable;
  clinics: ClinicsTable;
  services: ServicesTable;
  providers: ProvidersTable;
  provider_clinics: ProviderClinicsTable;
  provider_schedules: ProviderSchedulesTable;
  provider_time_off: ProviderTimeOffTable;
  packages: PackagesTable;
  package_services: PackageServicesTable;
  patients: PatientsTable;
  package_purchases: PackagePurchasesTable;
  purchase_services: PurchaseServicesTable;
  group_sessions: GroupSessionsTable;
  appointments: AppointmentsTable;
  audit_log: AuditLogTable;
  form_submissions: FormSubmissionsTable;
  login_throttles: LoginThrottlesTable;
  patient_mrn_counters: PatientMrnCountersTable;
  messages: MessagesTable;
  calendar_feeds: CalendarFeedsTable;
  payments: PaymentsTable;
  invoice_counters: InvoiceCountersTable;
}

export type Tenant = Selectable<TenantsTable>;
export type User = Selectable<UsersTable>;
export type NewAppointment = Insertable<AppointmentsTable>;
