import type { Locale } from '../../db/schema.js';
import { BUCKETS, RANGE_PRESETS, type Bucket, type DateRange } from '../../domain/report-ranges.js';
import type { MessageKey } from '../../i18n/index.js';
import { formatDate, formatMoney, localName, memoize } from '../format.js';
import { useLocale, useT } from '../request-context.js';
import { BarChart, LineChart, type ChartPoint } from './charts.js';
import type { Cell, CellKind, ReportTable } from './report-tables.js';

export const REPORTS = [
  'sales',
  'liability',
  'completion',
  'usage',
  'attendance',
  'utilisation',
  'expiring',
] as const;
export type ReportName = (typeof REPORTS)[number];

export const REPORT_BODY_ID = 'report-body';
const MAX_BARS = 40;
export const REPORT_FILTERS_ID = 'report-filters';
export const REPORT_FROM_ID = 'report-from';
export const REPORT_TO_ID = 'report-to';
export const REPORT_CLINIC_ID = 'report-clinic';
export const REPORT_RANGE_ID = 'report-range';

const REPORT_TITLES: Record<ReportName, MessageKey> = {
  sales: 'reportSales',
  liability: 'reportLiability',
  completion: 'reportCompletion',
  usage: 'reportUsage',
  attendance: 'reportAttendance',
  utilisation: 'reportUtilisation',
  expiring: 'reportExpiring',
};

const REPORT_NOTES: Partial<Record<ReportName, MessageKey>> = {
  liability: 'reportLiabilityNote',
  expiring: 'reportExpiringNote',
  attendance: 'reportAttendanceNote',
  utilisation: 'reportUtilisationNote',
  completion: 'reportCompletionNote',
};

/** Reports about the present: the period does not apply to them. */
export const REPORTS_OF_NOW: readonly ReportName[] = ['liability', 'expiring'];

export function reportTitle(report: ReportName): MessageKey {
  return REPORT_TITLES[report];
}

export interface ReportFilters {
  /** The preset the period came from, if any. */
  preset: (typeof RANGE_PRESETS)[number] | undefined;
  range: DateRange;
  clinicId: string | undefined;
  bucket: Bucket;
}

export interface ReportViewProps {
  report: ReportName;
  filters: ReportFilters;
  clinics: { id: string; name_en: string; name_ar: string }[];
  tables: ReportTable[];
  today: string;
  currency: string;
  /** The query string of the filters (no leading '?'), carried by links and downloads. */
  query: string;
}

/** The query of the filters, as the page's address carries it. */
export function filterQuery(filters: ReportFilters): string {
  const params = new URLSearchParams();
  if (filters.preset) params.set('range', filters.preset);
  else {
    params.set('from', filters.range.from);
    params.set('to', filters.range.to);
  }
  if (filters.clinicId) params.set('clinic', filters.clinicId);
  if (filters.bucket !== 'month') params.set('by', filters.bucket);
  return params.toString();
}

export function ReportsPage(props: ReportViewProps) {
  const t = useT();
  const { report, filters, clinics } = props;
  const action = `/reports/${report}`;
  return (
    <section class="card report" aria-labelledby="report-title">
      <h1 id="report-title">
        {t('reports')}: {t(reportTitle(report))}
      </h1>
      <form
        method="get"
        action={action}
        id={REPORT_FILTERS_ID}
        class="day-view-controls report-filters"
        aria-label={t('reportFilters')}
        hx-get={action}
        hx-target={`#${REPORT_BODY_ID}`}
        hx-push-url="true"
        hx-trigger="change, submit"
      >
        <fieldset class="report-presets" id={REPORT_RANGE_ID}>
          <legend>{t('reportRange')}</legend>
          {RANGE_PRESETS.map((preset) => (
            <button type="submit" name="range" value={preset} class="button">
              {t(`range_${preset.replaceAll('-', '_')}` as MessageKey)}
            </button>
          ))}
        </fieldset>
        <DateField id={REPORT_FROM_ID} name="from" label="reportFrom" value={filters.range.from} />
        <DateField id={REPORT_TO_ID} name="to" label="reportTo" value={filters.range.to} />
        <div class="field">
          <label for={REPORT_CLINIC_ID}>{t('reportClinic')}</label>
          <select id={REPORT_CLINIC_ID} name="clinic">
            <option value="">{t('reportAllClinics')}</option>
            {clinics.map((clinic) => (
              <option value={clinic.id} selected={clinic.id === filters.clinicId}>
                {localName(clinic, useLocale())}
              </option>
            ))}
          </select>
        </div>
        {report === 'sales' && (
          <div class="field">
            <label for="report-by">{t('reportBy')}</label>
            <select id="report-by" name="by">
              {BUCKETS.map((bucket) => (
                <option value={bucket} selected={bucket === filters.bucket}>
                  {t(`by_${bucket}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" class="button">
          {t('reportApply')}
        </button>
      </form>
      <div id={REPORT_BODY_ID} aria-live="polite">
        <ReportBody {...props} />
      </div>
    </section>
  );
}

function DateField(props: { id: string; name: string; label: MessageKey; value: string }) {
  const t = useT();
  return (
    <div class="field">
      <label for={props.id}>{t(props.label)}</label>
      <input id={props.id} type="date" name={props.name} value={props.value} />
    </div>
  );
}

/**
 * The date inputs with the period a preset resolved to, swapped out of band into the form
 * (htmx swaps only the report body; the inputs would otherwise keep the previous dates).
 */
export function FilterDates({ range }: { range: DateRange }) {
  return (
    <>
      <input id={REPORT_FROM_ID} type="date" name="from" value={range.from} hx-swap-oob="true" />
      <input id={REPORT_TO_ID} type="date" name="to" value={range.to} hx-swap-oob="true" />
    </>
  );
}

/** What htmx swaps when a filter changes: the reports' tabs, the period, tables and charts. */
export function ReportBody(props: ReportViewProps) {
  const t = useT();
  const locale = useLocale();
  const { report, filters, tables, query } = props;
  const note = REPORT_NOTES[report];
  return (
    <>
      <nav class="report-tabs" aria-label={t('reportsNavigation')}>
        {REPORTS.map((name) => (
          <a
            href={`/reports/${name}?${query}`}
            aria-current={name === report ? 'page' : undefined}
            id={`report-tab-${name}`}
          >
            {t(reportTitle(name))}
          </a>
        ))}
      </nav>
      <p class="report-period" id="report-period">
        <strong>
          {REPORTS_OF_NOW.includes(report)
            ? t('reportAsOf', { date: formatDate(props.today, locale) })
            : t('reportRangeShown', {
                from: formatDate(filters.range.from, locale),
                to: formatDate(filters.range.to, locale),
              })}
        </strong>
        {note && <span class="muted"> {t(note)}</span>}
      </p>
      {report === 'liability' && (
        <p>
          <a class="button" href={`/reports/liability.csv?${query}`} id="liability-csv" download>
            {t('reportLiabilityCsv')}
          </a>
        </p>
      )}
      {tables.map((table) => (
        <TableSection {...props} table={table} />
      ))}
    </>
  );
}

function TableSection(props: ReportViewProps & { table: ReportTable }) {
  const t = useT();
  const locale = useLocale();
  const { table, report, query, currency } = props;
  const title = t(table.title);
  const csvUrl =
    report === 'sales' && table.id === 'sales-by-package'
      ? `/reports/sales.csv?${query}`
      : `/reports/${report}/csv?table=${table.id}&${query}`;
  const format = (kind: CellKind, value: Cell) => formatCell(kind, value, currency, locale);
  const points: ChartPoint[] | null =
    table.chart && table.rows.length > 0
      ? table.rows.map((row) => {
          const labelColumn = table.columns.find((column) => column.key === table.chart!.label)!;
          const valueColumn = table.columns.find((column) => column.key === table.chart!.value)!;
          const value = row.cells[valueColumn.key] ?? null;
          return {
            label: format(labelColumn.kind, row.cells[labelColumn.key] ?? null),
            value: typeof value === 'number' ? value : 0,
            text: format(valueColumn.kind, value),
          };
        })
      : null;
  return (
    <section class="report-table" aria-labelledby={`${table.id}-title`} id={table.id}>
      <h2 id={`${table.id}-title`}>{title}</h2>
      {table.rows.length === 0 ? (
        <p class="empty">{t('reportEmpty')}</p>
      ) : (
        <div class="report-figures">
          {points &&
            // a long series of bars (sales by day over a year) reads better as a line
            (table.chart!.kind === 'line' || points.length > MAX_BARS ? (
              <LineChart id={table.id} title={title} points={points} />
            ) : (
              <BarChart id={table.id} title={title} points={points} />
            ))}
          <div
            class="table-scroll"
            role="region"
            aria-labelledby={`${table.id}-title`}
            tabindex={0}
          >
            <table class="data-table" id={`${table.id}-table`}>
              <thead>
                <tr>
                  {table.columns.map((column) => (
                    <th scope="col" class={numeric(column.kind) ? 'num' : undefined}>
                      {t(column.label)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row) => (
                  <tr>
                    {table.columns.map((column, index) => {
                      const text = format(column.kind, row.cells[column.key] ?? null);
                      const cell = index === 0 && row.href ? <a href={row.href}>{text}</a> : text;
                      return index === 0 ? (
                        <th scope="row">{cell}</th>
                      ) : (
                        <td class={numeric(column.kind) ? 'num' : undefined}>{cell}</td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
              {table.total && (
                <tfoot>
                  <tr>
                    {table.columns.map((column, index) =>
                      index === 0 ? (
                        <th scope="row">{t('reportTotal')}</th>
                      ) : (
                        <td class="num">{format(column.kind, table.total![column.key] ?? null)}</td>
                      ),
                    )}
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
        </div>
      )}
      {table.truncatedAt !== undefined && (
        <p class="muted">{t('reportTruncated', { count: table.truncatedAt })}</p>
      )}
      <p>
        <a
          href={csvUrl}
          download
          id={`${table.id}-csv`}
          aria-label={t('reportDownloadCsvOf', { table: title })}
        >
          {t('reportDownloadCsv')}
        </a>
      </p>
    </section>
  );
}

/** Numbers line up at the end of their cells; names and dates at the start. */
const numeric = (kind: CellKind) => !['text', 'date', 'week'].includes(kind);

const percentFormat = memoize(
  (locale: Locale) =>
    new Intl.NumberFormat(locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB', {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }),
);

const numberFormat = new Map<Locale, Intl.NumberFormat>();

function formatNumber(value: number, locale: Locale, digits = 0): string {
  const key = `${locale}${digits}` as Locale;
  let format = numberFormat.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    numberFormat.set(key, format);
  }
  return format.format(value);
}

/** A cell as the page shows it; money in the centre's currency, hours with one decimal. */
export function formatCell(kind: CellKind, value: Cell, currency: string, locale: Locale): string {
  if (value === null) return '—';
  switch (kind) {
    case 'money':
      return formatMoney(((value as number) / 100).toFixed(2), currency, locale);
    case 'count':
      return formatNumber(value as number, locale);
    case 'percent':
      return percentFormat(locale).format((value as number) / 100);
    case 'decimal':
      return formatNumber(value as number, locale, 1);
    case 'minutes':
      return formatNumber((value as number) / 60, locale, 1);
    case 'date':
    case 'week':
      return formatDate(String(value), locale);
    default:
      return String(value);
  }
}
