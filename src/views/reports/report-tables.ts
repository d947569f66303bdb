import type {
  AttendanceRow,
  ClinicSales,
  ExpiringPurchase,
  LiabilityGroup,
  LiabilityRow,
  Named,
  PackageCompletion,
  PackageSales,
  SalesPeriod,
  UtilisationRow,
  WeeklyClinicCount,
} from '../../db/reports.js';
import type { Locale } from '../../db/schema.js';
import type { MessageKey } from '../../i18n/index.js';
import { fromHalalas } from '../../domain/money.js';
import { localName } from '../format.js';

/**
 * A report's tables as data: the page, its charts and the CSV of each table are all rendered
 * from the same rows, so the numbers on screen, in the chart and in the download agree.
 */

/** money: halalas; percent: 0–100; minutes: shown as hours. */
export type CellKind =
  'text' | 'count' | 'money' | 'percent' | 'date' | 'week' | 'minutes' | 'decimal';
export type Cell = string | number | null;

export interface Column {
  key: string;
  label: MessageKey;
  kind: CellKind;
}

export interface TableRow {
  cells: Record<string, Cell>;
  /** Where the row's first cell links to (the worklist's patient). */
  href?: string;
}

export interface Chart {
  kind: 'bars' | 'line';
  /** The column that names each point, and the one that gives its value. */
  label: string;
  value: string;
}

export interface ReportTable {
  /** Element id and the `table` of its CSV address. */
  id: string;
  title: MessageKey;
  columns: Column[];
  rows: TableRow[];
  total?: Record<string, Cell>;
  chart?: Chart;
  /** More rows exist than are shown (the CSV has them all). */
  truncatedAt?: number;
}

const name = (row: Named, locale: Locale) => localName(row, locale);

/** A share in percent with one decimal, null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

const MONEY_COLUMNS: Column[] = [
  { key: 'sold', label: 'colSold', kind: 'count' },
  { key: 'gross', label: 'colGross', kind: 'money' },
  { key: 'discounts', label: 'colDiscounts', kind: 'money' },
  { key: 'net', label: 'colNet', kind: 'money' },
  { key: 'collected', label: 'colCollected', kind: 'money' },
];

const moneyCells = (row: Omit<PackageSales, 'package_id' | 'name_en' | 'name_ar'>) => ({
  sold: row.sold,
  gross: row.gross,
  discounts: row.discounts,
  net: row.net,
  collected: row.collected,
});

function sumOf<T>(rows: T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}

function moneyTotal(rows: Omit<PackageSales, 'package_id' | 'name_en' | 'name_ar'>[]) {
  return {
    sold: sumOf(rows, (row) => row.sold),
    gross: sumOf(rows, (row) => row.gross),
    discounts: sumOf(rows, (row) => row.discounts),
    net: sumOf(rows, (row) => row.net),
    collected: sumOf(rows, (row) => row.collected),
  };
}

export function salesTables(
  data: { byPackage: PackageSales[]; byClinic: ClinicSales[]; overTime: SalesPeriod[] },
  locale: Locale,
): ReportTable[] {
  return [
    {
      id: 'sales-by-package',
      title: 'tableSalesByPackage',
      columns: [{ key: 'package', label: 'colPackage', kind: 'text' }, ...MONEY_COLUMNS],
      rows: data.byPackage.map((row) => ({
        cells: { package: name(row, locale), ...moneyCells(row) },
      })),
      total: moneyTotal(data.byPackage),
      chart: { kind: 'bars', label: 'package', value: 'net' },
    },
    {
      id: 'sales-over-time',
      title: 'tableSalesOverTime',
      columns: [{ key: 'period', label: 'colPeriod', kind: 'date' }, ...MONEY_COLUMNS],
      rows: data.overTime.map((row) => ({ cells: { period: row.period, ...moneyCells(row) } })),
      chart: { kind: 'bars', label: 'period', value: 'net' },
    },
    {
      id: 'sales-by-clinic',
      title: 'tableSalesByClinic',
      columns: [{ key: 'clinic', label: 'colClinic', kind: 'text' }, ...MONEY_COLUMNS],
      rows: data.byClinic.map((row) => ({
        cells: { clinic: name(row, locale), ...moneyCells(row) },
      })),
    },
  ];
}

function liabilityTable(
  id: string,
  title: MessageKey,
  first: Column,
  groups: LiabilityGroup[],
  locale: Locale,
): ReportTable {
  return {
    id,
    title,
    columns: [
      first,
      { key: 'purchases', label: 'colPurchases', kind: 'count' },
      { key: 'sessions_remaining', label: 'colSessionsRemaining', kind: 'count' },
      { key: 'liability', label: 'colLiability', kind: 'money' },
    ],
    rows: groups.map((group) => ({
      cells: {
        [first.key]: name(group, locale),
        purchases: group.purchases,
        sessions_remaining: group.sessions_remaining,
        liability: group.liability,
      },
    })),
    total: {
      // a purchase spanning clinics counts in each: only packages add up to the purchases
      purchases: first.key === 'package' ? sumOf(groups, (group) => group.purchases) : null,
      sessions_remaining: sumOf(groups, (group) => group.sessions_remaining),
      liability: sumOf(groups, (group) => group.liability),
    },
    chart: { kind: 'bars', label: first.key, value: 'liability' },
  };
}

export function liabilityTables(
  data: { byPackage: LiabilityGroup[]; byClinic: LiabilityGroup[] },
  locale: Locale,
): ReportTable[] {
  const byClinic = liabilityTable(
    'liability-by-clinic',
    'tableLiabilityByClinic',
    { key: 'clinic', label: 'colClinic', kind: 'text' },
    data.byClinic,
    locale,
  );
  delete byClinic.chart;
  return [
    liabilityTable(
      'liability-by-package',
      'tableLiabilityByPackage',
      { key: 'package', label: 'colPackage', kind: 'text' },
      data.byPackage,
      locale,
    ),
    byClinic,
  ];
}

export function completionTables(rows: PackageCompletion[], locale: Locale): ReportTable[] {
  return [
    {
      id: 'completion',
      title: 'tableCompletion',
      columns: [
        { key: 'package', label: 'colPackage', kind: 'text' },
        { key: 'purchases', label: 'colPurchases', kind: 'count' },
        { key: 'completed', label: 'colCompleted', kind: 'count' },
        { key: 'completion_rate', label: 'colCompletionRate', kind: 'percent' },
        { key: 'expired_unused', label: 'colExpiredUnused', kind: 'count' },
        { key: 'expired_rate', label: 'colExpiredRate', kind: 'percent' },
        { key: 'weeks_to_complete', label: 'colWeeksToComplete', kind: 'decimal' },
      ],
      rows: rows.map((row) => ({
        cells: {
          package: name(row, locale),
          purchases: row.purchases,
          completed: row.completed,
          completion_rate: percent(row.completed, row.purchases),
          expired_unused: row.expired_unused,
          expired_rate: percent(row.expired_unused, row.purchases),
          weeks_to_complete:
            row.average_days_to_complete === null
              ? null
              : Math.round((row.average_days_to_complete / 7) * 10) / 10,
        },
      })),
      chart: { kind: 'bars', label: 'package', value: 'completion_rate' },
    },
  ];
}

export function usageTables(rows: WeeklyClinicCount[], locale: Locale): ReportTable[] {
  const weeks = new Map<string, number>();
  for (const row of rows) weeks.set(row.week, (weeks.get(row.week) ?? 0) + row.sessions);
  return [
    {
      id: 'usage-by-week',
      title: 'tableUsageByWeek',
      columns: [
        { key: 'week', label: 'colWeek', kind: 'week' },
        { key: 'sessions', label: 'colSessions', kind: 'count' },
      ],
      rows: [...weeks].map(([week, sessions]) => ({ cells: { week, sessions } })),
      total: { sessions: sumOf(rows, (row) => row.sessions) },
      chart: { kind: 'line', label: 'week', value: 'sessions' },
    },
    {
      id: 'usage-by-clinic',
      title: 'tableUsageByClinic',
      columns: [
        { key: 'week', label: 'colWeek', kind: 'week' },
        { key: 'clinic', label: 'colClinic', kind: 'text' },
        { key: 'sessions', label: 'colSessions', kind: 'count' },
      ],
      rows: rows.map((row) => ({
        cells: { week: row.week, clinic: name(row, locale), sessions: row.sessions },
      })),
    },
  ];
}

function attendanceTable(
  id: string,
  title: MessageKey,
  first: Column,
  rows: AttendanceRow[],
  locale: Locale,
): ReportTable {
  return {
    id,
    title,
    columns: [
      first,
      { key: 'appointments', label: 'colAppointments', kind: 'count' },
      { key: 'no_shows', label: 'colNoShows', kind: 'count' },
      { key: 'no_show_rate', label: 'colNoShowRate', kind: 'percent' },
      { key: 'late_cancellations', label: 'colLateCancels', kind: 'count' },
      { key: 'late_cancel_rate', label: 'colLateCancelRate', kind: 'percent' },
    ],
    rows: rows.map((row) => ({
      cells: {
        [first.key]: name(row, locale),
        appointments: row.appointments,
        no_shows: row.no_shows,
        no_show_rate: percent(row.no_shows, row.appointments),
        late_cancellations: row.late_cancellations,
        late_cancel_rate: percent(row.late_cancellations, row.appointments),
      },
    })),
  };
}

export function attendanceTables(
  data: { byClinic: AttendanceRow[]; byProvider: AttendanceRow[] },
  locale: Locale,
): ReportTable[] {
  const byClinic = attendanceTable(
    'attendance-by-clinic',
    'tableAttendanceByClinic',
    { key: 'clinic', label: 'colClinic', kind: 'text' },
    data.byClinic,
    locale,
  );
  byClinic.chart = { kind: 'bars', label: 'clinic', value: 'no_show_rate' };
  return [
    byClinic,
    attendanceTable(
      'attendance-by-provider',
      'tableAttendanceByProvider',
      { key: 'provider', label: 'colProvider', kind: 'text' },
      data.byProvider,
      locale,
    ),
  ];
}

const UTILISATION_COLUMNS: Column[] = [
  { key: 'scheduled', label: 'colScheduledHours', kind: 'minutes' },
  { key: 'booked', label: 'colBookedHours', kind: 'minutes' },
  { key: 'utilisation', label: 'colUtilisation', kind: 'percent' },
];

export function utilisationTables(rows: UtilisationRow[], locale: Locale): ReportTable[] {
  const weeks = new Map<string, { scheduled: number; booked: number }>();
  for (const row of rows) {
    const week = weeks.get(row.week) ?? { scheduled: 0, booked: 0 };
    week.scheduled += row.scheduled;
    week.booked += row.booked;
    weeks.set(row.week, week);
  }
  return [
    {
      id: 'utilisation-by-week',
      title: 'tableUtilisationByWeek',
      columns: [{ key: 'week', label: 'colWeek', kind: 'week' }, ...UTILISATION_COLUMNS],
      rows: [...weeks].map(([week, { scheduled, booked }]) => ({
        cells: { week, scheduled, booked, utilisation: percent(booked, scheduled) },
      })),
      chart: { kind: 'line', label: 'week', value: 'utilisation' },
    },
    {
      id: 'utilisation-by-provider',
      title: 'tableUtilisationByProvider',
      columns: [
        { key: 'week', label: 'colWeek', kind: 'week' },
        { key: 'provider', label: 'colProvider', kind: 'text' },
        ...UTILISATION_COLUMNS,
      ],
      rows: rows.map((row) => ({
        cells: {
          week: row.week,
          provider: name(row, locale),
          scheduled: row.scheduled,
          booked: row.booked,
          utilisation: percent(row.booked, row.scheduled),
        },
      })),
    },
  ];
}

export function expiringTables(
  rows: ExpiringPurchase[],
  locale: Locale,
  shownAtMost: number,
): ReportTable[] {
  return [
    {
      id: 'expiring',
      title: 'tableExpiring',
      columns: [
        { key: 'patient', label: 'colPatient', kind: 'text' },
        { key: 'mrn', label: 'colMrn', kind: 'text' },
        { key: 'package', label: 'colPackage', kind: 'text' },
        { key: 'sessions_remaining', label: 'colSessionsRemaining', kind: 'count' },
        { key: 'expiry_date', label: 'colExpiry', kind: 'date' },
      ],
      rows: rows.slice(0, shownAtMost).map((row) => ({
        cells: {
          patient: name(row.patient, locale),
          mrn: row.patient_mrn,
          package: name(row.package, locale),
          sessions_remaining: row.sessions_remaining,
          expiry_date: row.expiry_date,
        },
        href: `/patients/${row.patient_id}`,
      })),
      ...(rows.length > shownAtMost ? { truncatedAt: shownAtMost } : {}),
    },
  ];
}

/** SPEC §7 liability.csv, these headers exactly. */
export const LIABILITY_CSV_COLUMNS = [
  'purchase_id',
  'patient_mrn',
  'patient_name',
  'package',
  'purchase_date',
  'expiry_date',
  'total_sessions',
  'sessions_used',
  'sessions_remaining',
  'unit_price',
  'liability',
  'amount_paid',
  'balance_due',
] as const;

export function liabilityCsvRecords(rows: LiabilityRow[], locale: Locale): string[][] {
  return rows.map((row) => [
    row.purchase_id,
    row.patient_mrn,
    safeText(name(row.patient, locale)),
    safeText(name(row.package, locale)),
    row.purchase_date,
    row.expiry_date,
    String(row.total_sessions),
    String(row.sessions_used),
    String(row.sessions_remaining),
    fromHalalas(row.unit_price),
    fromHalalas(row.liability),
    fromHalalas(row.amount_paid),
    fromHalalas(row.balance_due),
  ]);
}

/** SPEC §7 sales.csv, these headers exactly. */
export const SALES_CSV_COLUMNS = [
  'package_id',
  'package',
  'sold',
  'gross',
  'discounts',
  'net',
  'collected',
] as const;

export function salesCsvRecords(rows: PackageSales[], locale: Locale): string[][] {
  return rows.map((row) => [
    row.package_id,
    safeText(name(row, locale)),
    String(row.sold),
    fromHalalas(row.gross),
    fromHalalas(row.discounts),
    fromHalalas(row.net),
    fromHalalas(row.collected),
  ]);
}

/**
 * A name a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe, OWASP's advice against CSV injection: names are typed in by anyone at the desk.
 */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A cell as the CSV of an on-screen table writes it: money with 2 decimals, hours with 2. */
export function csvCell(kind: CellKind, value: Cell): string {
  if (value === null) return '';
  switch (kind) {
    case 'money':
      return fromHalalas(value as number);
    case 'minutes':
      return ((value as number) / 60).toFixed(2);
    case 'percent':
    case 'decimal':
      return (value as number).toFixed(1);
    case 'text':
      return safeText(String(value));
    default:
      return String(value);
  }
}

/** An on-screen table as CSV records: a header of its column keys, then its rows. */
export function tableCsvRecords(table: ReportTable): string[][] {
  const header = table.columns.map((column) => column.key);
  const rows = table.rows.map((row) =>
    table.columns.map((column) => csvCell(column.kind, row.cells[column.key] ?? null)),
  );
  return [header, ...rows];
}
