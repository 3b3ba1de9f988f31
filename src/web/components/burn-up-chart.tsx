import { useTranslation } from 'react-i18next';
import type { TimelineView } from '../api/types';
import { todayInChina } from '../lib/dates';

const width = 860;
const height = 320;
const pad = { left: 48, right: 24, top: 24, bottom: 44 };

const dayMs = 86_400_000;
const dayNumber = (iso: string) => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / dayMs);
const isoOf = (n: number) => new Date(n * dayMs).toISOString().slice(0, 10);

/** Round numbers for the y axis: 0 … max in about five steps. */
function yTicks(max: number): number[] {
  if (max <= 5) return Array.from({ length: Math.max(1, max) + 1 }, (_, i) => i);
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Math.round(v));
  return ticks;
}

/**
 * 报送进度 as a burn-up chart, drawn as plain SVG: the cumulative number of units that have
 * submitted per day, the line of what is owed, and the deadline as a vertical marker.
 */
export function BurnUpChart({ view }: { view: TimelineView }) {
  const { t } = useTranslation();
  // The server lists days up to the deadline; what has not happened yet is not drawn.
  const today = todayInChina();
  const days = view.days.filter((d) => d.date <= today);
  const lastListed = view.days[view.days.length - 1]?.date;
  const first = days.length > 0 ? dayNumber(days[0]!.date) : dayNumber(view.deadline) - 7;
  const lastData = lastListed ? dayNumber(lastListed) : first;
  const deadline = dayNumber(view.deadline);
  const start = Math.min(first, deadline);
  const end = Math.max(lastData, deadline, start + 1);
  const maxY = Math.max(view.owed, ...days.map((d) => d.submitted), 1);
  const ticks = yTicks(maxY);
  const top = ticks[ticks.length - 1] ?? maxY;

  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (day: number) => pad.left + ((day - start) / (end - start)) * plotW;
  const y = (value: number) => pad.top + plotH - (value / top) * plotH;

  // A step line: the count holds until the next day with a change.
  const points = days.map((d) => `${x(dayNumber(d.date)).toFixed(1)},${y(d.submitted).toFixed(1)}`).join(' ');
  const span = end - start;
  const labelEvery = Math.max(1, Math.ceil(span / 10));
  const xLabels: number[] = [];
  for (let d = start; d <= end; d += labelEvery) xLabels.push(d);

  return (
    <svg className="hj-burnup" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('timeline.chartLabel', { owed: view.owed })}>
      {ticks.map((v) => (
        <g key={v}>
          <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} stroke="#f0f0f0" />
          <text x={pad.left - 8} y={y(v) + 4} textAnchor="end">
            {v}
          </text>
        </g>
      ))}
      {xLabels.map((d) => (
        <text key={d} x={x(d)} y={height - pad.bottom + 18} textAnchor="middle">
          {isoOf(d).slice(5)}
        </text>
      ))}
      <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} stroke="#bfbfbf" />
      {/* What is owed */}
      <line x1={pad.left} x2={width - pad.right} y1={y(view.owed)} y2={y(view.owed)} stroke="#52c41a" strokeDasharray="6 4" strokeWidth={1.5} />
      <text x={width - pad.right} y={y(view.owed) - 6} textAnchor="end" style={{ fill: '#389e0d' }}>
        {t('timeline.owed', { count: view.owed })}
      </text>
      {/* The deadline */}
      <line x1={x(deadline)} x2={x(deadline)} y1={pad.top} y2={y(0)} stroke="#ff4d4f" strokeDasharray="4 3" strokeWidth={1.5} />
      <text x={x(deadline) + 4} y={pad.top + 10} style={{ fill: '#cf1322' }}>
        {t('timeline.deadline')}
      </text>
      {days.length > 0 && <polyline points={points} fill="none" stroke="#1668dc" strokeWidth={2.5} />}
      {days.map((d) => (
        <circle key={d.date} cx={x(dayNumber(d.date))} cy={y(d.submitted)} r={3} fill={d.late > 0 ? '#fa8c16' : '#1668dc'}>
          <title>{t('timeline.pointTitle', { date: d.date, submitted: d.submitted, onTime: d.onTime, late: d.late })}</title>
        </circle>
      ))}
      <text x={pad.left} y={height - 6} style={{ fill: '#1668dc' }}>
        {t('timeline.legend')}
      </text>
    </svg>
  );
}
