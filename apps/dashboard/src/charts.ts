import { html, svg, type TemplateResult } from "lit";

/**
 * The dashboard's charts: small SVG bar charts drawn by Lit itself (no chart library). Loaded on
 * demand by the analytics page. Each chart is an image with a one-line summary for screen
 * readers; its numbers are in the table and CSV beside it.
 */
export interface Series {
  /** What the chart shows, e.g. "Tickets sold per day". */
  title: string;
  /** Column names of the table and CSV: the label's, then the value's. */
  columns: [string, string];
  points: { label: string; value: number }[];
  /** How a value reads (money, percentages). */
  format?: (v: number) => string;
  /** A chart of a rate: bars out of this maximum (1 for 100 %). */
  max?: number;
}

const W = 640;
const H = 220;
const PAD = { top: 12, right: 8, bottom: 44, left: 56 };

/** A round-number axis maximum at or above `max` (1, 2, 5 × 10ⁿ). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * p).find((m) => m >= max) ?? 10 * p) as number;
}

/** A vertical bar chart of `s` (labels along the bottom, every few when there are many). */
export function barChart(s: Series): TemplateResult {
  const fmt = s.format ?? ((v: number) => v.toLocaleString());
  const top = s.max ?? niceMax(Math.max(0, ...s.points.map((p) => p.value)));
  const n = Math.max(1, s.points.length);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const step = iw / n;
  const bar = Math.max(2, Math.min(48, step * 0.7));
  const every = Math.ceil(n / 8);
  const y = (v: number) => PAD.top + ih - (Math.max(0, v) / top) * ih;
  const peak = s.points.reduce((a, p) => (p.value > a.value ? p : a), s.points[0] ?? { label: "", value: 0 });
  const summary = s.points.length
    ? `${s.title}: ${s.points.length} bars, highest ${fmt(peak.value)} (${peak.label}).`
    : `${s.title}: no data yet.`;
  return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${summary} class="chart" preserveAspectRatio="xMidYMid meet">
    ${[0, 0.5, 1].map(
      (f) => svg`<line x1=${PAD.left} x2=${W - PAD.right} y1=${y(top * f)} y2=${y(top * f)} class="grid"></line>
        <text x=${PAD.left - 6} y=${y(top * f) + 4} text-anchor="end" class="axis">${fmt(top * f)}</text>`,
    )}
    ${s.points.map((p, i) => {
      const x = PAD.left + i * step + (step - bar) / 2;
      return svg`<rect x=${x} y=${y(p.value)} width=${bar} height=${Math.max(0, PAD.top + ih - y(p.value))} class="bar" data-value=${p.value}><title>${p.label}: ${fmt(p.value)}</title></rect>
        ${i % every === 0 ? svg`<text x=${x + bar / 2} y=${H - PAD.bottom + 16} text-anchor="middle" class="axis">${p.label}</text>` : ""}`;
    })}
  </svg>`;
}

/** The series as CSV (RFC 4180 quoting). */
export function toCsv(s: Series): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [s.columns.map(q).join(","), ...s.points.map((p) => `${q(p.label)},${p.value}`)].join("\r\n");
}
