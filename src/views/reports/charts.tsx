import { useLocale, useT } from '../request-context.js';

/**
 * Small server-rendered charts: inline SVG, no script, drawn here by hand (a linear scale
 * from zero is all they need — smaller and clearer than a charting library). Each is an image
 * with a title and a description; the table beside it holds the same numbers. The SVG keeps
 * left-to-right coordinates and is mirrored by hand in Arabic: bars grow from the right, and
 * time runs from right to left.
 */

export interface ChartPoint {
  label: string;
  value: number;
  /** The value as the table shows it. */
  text: string;
}

export interface ChartProps {
  id: string;
  title: string;
  points: ChartPoint[];
}

const WIDTH = 360;
const ROW = 20;
const LABEL_WIDTH = 124;
const VALUE_WIDTH = 76;
const MAX_LABEL = 17;

const clip = (text: string) =>
  text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;

function Frame(props: ChartProps & { height: number; children: unknown }) {
  const t = useT();
  const max = props.points.reduce((top, point) => (point.value > top.value ? point : top));
  return (
    <svg
      class="report-chart"
      id={`${props.id}-chart`}
      viewBox={`0 0 ${WIDTH} ${props.height}`}
      role="img"
      aria-labelledby={`${props.id}-chart-title ${props.id}-chart-desc`}
      direction="ltr"
    >
      <title id={`${props.id}-chart-title`}>{t('reportChartOf', { table: props.title })}</title>
      <desc id={`${props.id}-chart-desc`}>
        {t('reportChartDesc', { count: props.points.length, max: `${max.label}: ${max.text}` })}
      </desc>
      {props.children}
    </svg>
  );
}

/** Horizontal bars, one per point, longest = the largest value. */
export function BarChart(props: ChartProps) {
  const rtl = useLocale() === 'ar';
  const { points } = props;
  const top = Math.max(...points.map((point) => point.value), 0);
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = points.length * ROW + 4;
  return (
    <Frame {...props} height={height}>
      {points.map((point, index) => {
        const length = top > 0 ? Math.max((point.value / top) * span, point.value > 0 ? 1 : 0) : 0;
        const y = index * ROW + 2;
        const barX = rtl ? WIDTH - LABEL_WIDTH - length : LABEL_WIDTH;
        const labelX = rtl ? WIDTH - LABEL_WIDTH + 6 : LABEL_WIDTH - 6;
        const valueX = rtl ? barX - 4 : barX + length + 4;
        return (
          <g>
            <text x={labelX} y={y + 14} text-anchor={rtl ? 'start' : 'end'}>
              {clip(point.label)}
            </text>
            <rect x={round(barX)} y={y + 3} width={round(length)} height={ROW - 6} />
            <text x={round(valueX)} y={y + 14} text-anchor={rtl ? 'end' : 'start'}>
              {point.text}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

const LINE_HEIGHT = 150;
const PAD = 24;
/** A dot per point while they stay apart. */
const MAX_DOTS = 60;

/** A line over time: first point at the start edge (left, or right in Arabic). */
export function LineChart(props: ChartProps) {
  const rtl = useLocale() === 'ar';
  const { points } = props;
  const top = Math.max(...points.map((point) => point.value), 0);
  const step = points.length > 1 ? (WIDTH - 2 * PAD) / (points.length - 1) : 0;
  const x = (index: number) => round(rtl ? WIDTH - PAD - index * step : PAD + index * step);
  const y = (value: number) =>
    round(LINE_HEIGHT - PAD - (top > 0 ? (value / top) * (LINE_HEIGHT - 2 * PAD) : 0));
  const path = points.map((point, index) => `${x(index)},${y(point.value)}`).join(' ');
  const first = points[0]!;
  const last = points.at(-1)!;
  return (
    <Frame {...props} height={LINE_HEIGHT}>
      <line class="axis" x1={PAD} x2={WIDTH - PAD} y1={LINE_HEIGHT - PAD} y2={LINE_HEIGHT - PAD} />
      <polyline points={path} />
      {points.length <= MAX_DOTS &&
        points.map((point, index) => <circle cx={x(index)} cy={y(point.value)} r="3" />)}
      <text x={x(points.indexOf(maxPoint(points)))} y={y(top) - 8} text-anchor="middle">
        {maxPoint(points).text}
      </text>
      <text x={x(0)} y={LINE_HEIGHT - 6} text-anchor={rtl ? 'end' : 'start'}>
        {first.label}
      </text>
      {points.length > 1 && (
        <text x={x(points.length - 1)} y={LINE_HEIGHT - 6} text-anchor={rtl ? 'start' : 'end'}>
          {last.label}
        </text>
      )}
    </Frame>
  );
}

function maxPoint(points: ChartPoint[]): ChartPoint {
  return points.reduce((top, point) => (point.value > top.value ? point : top));
}

const round = (value: number) => Math.round(value * 10) / 10;
