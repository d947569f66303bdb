import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { REPORT_ROLES } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import { clinicExists, listClinics } from '../db/clinics.js';
import {
  attendance,
  completionByPackage,
  expiringPurchases,
  liabilityByClinic,
  liabilityByPackage,
  liabilityRows,
  salesByClinic,
  salesByPackage,
  salesOverTime,
  usageByWeek,
  utilisationByWeek,
  type ReportScope,
} from '../db/reports.js';
import type { Locale } from '../db/schema.js';
import { addDays, localDate } from '../domain/dates.js';
import { BadRequest, NotFound } from '../domain/errors.js';
import {
  BUCKETS,
  presetRange,
  rangeDays,
  rangeInstants,
  RANGE_PRESETS,
  type Bucket,
  type DateRange,
} from '../domain/report-ranges.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../i18n/index.js';
import { toCsv } from '../views/reports/csv.js';
import {
  filterQuery,
  FilterDates,
  ReportBody,
  REPORTS,
  ReportsPage,
  reportTitle,
  type ReportFilters,
  type ReportName,
  type ReportViewProps,
} from '../views/reports/report-page.js';
import {
  attendanceTables,
  completionTables,
  expiringTables,
  LIABILITY_CSV_COLUMNS,
  liabilityCsvRecords,
  liabilityTables,
  SALES_CSV_COLUMNS,
  salesCsvRecords,
  salesTables,
  tableCsvRecords,
  usageTables,
  utilisationTables,
  type ReportTable,
} from '../views/reports/report-tables.js';
import { renderFragment } from '../views/renderer.js';
import { blankAsMissing, calendarDate, uuid, validated } from './validation.js';

/** Longest period a report covers: three years (the utilisation report walks its days). */
const MAX_RANGE_DAYS = 3 * 366;
/** The worklist shows this many rows; its CSV has them all (up to the export's limit). */
const SHOWN_AT_MOST = 200;
const EXPORTED_AT_MOST = 100_000;
/** How far ahead the expiring worklist looks. */
const EXPIRING_DAYS = 30;

const filterFields = {
  range: blankAsMissing(z.enum(RANGE_PRESETS)),
  from: blankAsMissing(calendarDate),
  to: blankAsMissing(calendarDate),
  clinic: blankAsMissing(uuid),
  by: blankAsMissing(z.enum(BUCKETS)),
};
const reportQuery = z.object(filterFields);
const tableQuery = z.object({
  ...filterFields,
  table: z
    .string()
    .max(40)
    .regex(/^[a-z-]+$/),
});
const reportParam = z.object({ report: z.enum(REPORTS) });

type Query = z.infer<typeof reportQuery>;

interface ReportRequest {
  filters: ReportFilters;
  scope: ReportScope;
  today: string;
  now: Date;
  timezone: string;
  locale: Locale;
}

/**
 * The filters of the address: a preset wins; else both dates (a custom period); else this
 * month. A clinic of another centre is not found, like every other id.
 */
const sameRange = (a: DateRange, b: DateRange) => a.from === b.from && a.to === b.to;

async function readFilters(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  query: Query,
): Promise<ReportRequest> {
  const { tenant } = c.var.auth;
  const now = clock();
  const today = localDate(tenant.timezone, now);
  let range: DateRange;
  let preset = query.range;
  if (!preset && query.from && query.to) {
    range = { from: query.from, to: query.to };
    // The dates a preset gives today are that preset: the address stays relative to today.
    preset = RANGE_PRESETS.find((candidate) => sameRange(presetRange(candidate, today), range));
  } else range = presetRange((preset ??= 'this-month'), today);
  if (range.from > range.to || rangeDays(range) > MAX_RANGE_DAYS) {
    throw new BadRequest('invalidAddress', { fields: 'to' }, { to: 'reportRangeInvalid' });
  }
  if (query.clinic && !(await clinicExists(db, tenant.id, query.clinic))) {
    throw new NotFound('clinicNotFound');
  }
  const bucket: Bucket = query.by ?? 'month';
  return {
    filters: { preset, range, clinicId: query.clinic, bucket },
    scope: { tenantId: tenant.id, clinicId: query.clinic },
    today,
    now,
    timezone: tenant.timezone,
    locale: c.get('locale'),
  };
}

/** A report's tables; `atMost` bounds the worklist's rows. */
async function queryTables(
  db: Database,
  report: ReportName,
  request: ReportRequest,
  atMost: number,
): Promise<ReportTable[]> {
  const { scope, filters, today, now, timezone, locale } = request;
  const { range } = filters;
  const window = rangeInstants(range, timezone);
  switch (report) {
    case 'sales': {
      const [byPackage, byClinic, overTime] = await Promise.all([
        salesByPackage(db, scope, range),
        salesByClinic(db, scope, range),
        salesOverTime(db, scope, range, filters.bucket),
      ]);
      return salesTables({ byPackage, byClinic, overTime }, locale);
    }
    case 'liability': {
      const [byPackage, byClinic] = await Promise.all([
        liabilityByPackage(db, scope, today),
        liabilityByClinic(db, scope, today),
      ]);
      return liabilityTables({ byPackage, byClinic }, locale);
    }
    case 'completion':
      return completionTables(
        await completionByPackage(db, scope, range, today, now, timezone),
        locale,
      );
    case 'usage':
      return usageTables(await usageByWeek(db, scope, window, timezone), locale);
    case 'attendance': {
      const [byClinic, byProvider] = await Promise.all([
        attendance(db, scope, window, now, 'clinic'),
        attendance(db, scope, window, now, 'provider'),
      ]);
      return attendanceTables({ byClinic, byProvider }, locale);
    }
    case 'utilisation':
      return utilisationTables(await utilisationByWeek(db, scope, range, window, timezone), locale);
    case 'expiring': {
      const until = addDays(today, EXPIRING_DAYS);
      const rows = await expiringPurchases(db, scope, today, until, atMost + 1);
      return expiringTables(rows, locale, atMost);
    }
  }
}

/**
 * A report's tables with at most `atMost` rows each (a page stays within its bytes; a long
 * table says so, and its CSV has every row).
 */
async function loadTables(
  db: Database,
  report: ReportName,
  request: ReportRequest,
  atMost: number,
): Promise<ReportTable[]> {
  const tables = await queryTables(db, report, request, atMost);
  return tables.map((table) =>
    table.rows.length > atMost
      ? { ...table, rows: table.rows.slice(0, atMost), truncatedAt: atMost }
      : table,
  );
}

async function renderReport(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  report: ReportName,
  query: Query,
) {
  const request = await readFilters(c, deps, query);
  const { tenant } = c.var.auth;
  const [tables, clinics] = await Promise.all([
    loadTables(deps.db, report, request, SHOWN_AT_MOST),
    listClinics(deps.db, tenant.id),
  ]);
  const props: ReportViewProps = {
    report,
    filters: request.filters,
    clinics,
    tables,
    today: request.today,
    currency: tenant.currency,
    query: filterQuery(request.filters),
  };
  // htmx swaps the body; going back in history (no cache of pages) asks for the whole page.
  if (c.req.header('hx-request') && !c.req.header('hx-history-restore-request')) {
    // The address the form's request had, in its canonical form (a preset over its dates).
    c.header('HX-Push-Url', `/reports/${report}?${props.query}`);
    return renderFragment(
      c,
      <>
        <ReportBody {...props} />
        {query.range && <FilterDates range={request.filters.range} />}
      </>,
    );
  }
  const t = translator(request.locale);
  return c.render(<ReportsPage {...props} />, {
    title: `${t('reports')}: ${t(reportTitle(report))}`,
  });
}

function csvResponse(c: Context, filename: string, csv: string) {
  return c.body(csv, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
  });
}

/**
 * `/reports`: the analytics of SPEC §7 for ADMIN and FINANCE, a page per report whose filters
 * (period, clinic) live in its address, the CSVs of SPEC §7 and a CSV of every table shown.
 */
export function reportRoutes(deps: AppDeps) {
  const { db } = deps;
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole(...REPORT_ROLES));

  routes.get('/', validated('query', reportQuery), (c) =>
    renderReport(c, deps, 'sales', c.req.valid('query')),
  );

  routes.get('/liability.csv', validated('query', reportQuery), async (c) => {
    const request = await readFilters(c, deps, c.req.valid('query'));
    const rows = await liabilityRows(db, request.scope, request.today);
    const csv = toCsv(LIABILITY_CSV_COLUMNS, liabilityCsvRecords(rows, request.locale));
    return csvResponse(c, `liability-${request.today}.csv`, csv);
  });

  routes.get('/sales.csv', validated('query', reportQuery), async (c) => {
    const request = await readFilters(c, deps, c.req.valid('query'));
    const { range } = request.filters;
    const rows = await salesByPackage(db, request.scope, range);
    const csv = toCsv(SALES_CSV_COLUMNS, salesCsvRecords(rows, request.locale));
    return csvResponse(c, `sales-${range.from}-${range.to}.csv`, csv);
  });

  routes.get('/:report', validated('param', reportParam), validated('query', reportQuery), (c) =>
    renderReport(c, deps, c.req.valid('param').report, c.req.valid('query')),
  );

  routes.get(
    '/:report/csv',
    validated('param', reportParam),
    validated('query', tableQuery),
    async (c) => {
      const { report } = c.req.valid('param');
      const query = c.req.valid('query');
      const request = await readFilters(c, deps, query);
      const tables = await loadTables(db, report, request, EXPORTED_AT_MOST);
      const table = tables.find((candidate) => candidate.id === query.table);
      if (!table) throw new NotFound();
      const [header, ...records] = tableCsvRecords(table);
      return csvResponse(c, `${table.id}-${request.today}.csv`, toCsv(header!, records));
    },
  );

  return routes;
}
