/** What one exported chart shows. */
export interface ChartSpec {
  title: string;
  unit: string;
  start: number;
  end: number;
  series: ReadonlyArray<{ label: string; points: ReadonlyArray<readonly [number, number | null]> }>;
  /** The incident's window, shaded. */
  incident: { from: number; to: number };
  /** Timeline items drawn as ticks on the time axis. */
  marks: ReadonlyArray<{ at: number; label: string }>;
  /** Why data is missing or stale, if it is. */
  note: string;
}

const width = 960;
const height = 300;
const pad = { left: 64, right: 16, top: 36, bottom: 36 };
const colours = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

/**
 * A self-contained SVG line chart (no script, no external reference), so a postmortem opened
 * years later on any machine still draws. Gaps (`null`) break the line, as in the app.
 */
export function seriesChartSvg(spec: ChartSpec): string {
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const values = spec.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = values.length > 0 ? Math.max(...values) : 1;
  const min = values.length > 0 ? Math.min(0, ...values) : 0;
  const span = max - min || 1;
  const x = (t: number) => pad.left + ((t - spec.start) / Math.max(1, spec.end - spec.start)) * plotW;
  const y = (v: number) => pad.top + plotH - ((v - min) / span) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<title>${esc(spec.title)}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${pad.left}" y="20" font-size="13" font-weight="bold">${esc(spec.title)}</text>`);
  const from = Math.max(spec.start, spec.incident.from);
  const to = Math.min(spec.end, spec.incident.to);
  if (to > from) parts.push(`<rect x="${x(from).toFixed(1)}" y="${pad.top}" width="${(x(to) - x(from)).toFixed(1)}" height="${plotH}" fill="#fee2e2" opacity="0.6"><title>incident window</title></rect>`);
  parts.push(`<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" stroke="#6b7280"/>`);
  parts.push(`<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" stroke="#6b7280"/>`);
  for (const v of [min, min + span / 2, max]) {
    parts.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(fmt(v))}${esc(spec.unit ? ` ${spec.unit}` : '')}</text>`);
  }
  for (const t of [spec.start, (spec.start + spec.end) / 2, spec.end]) {
    parts.push(`<text x="${x(t)}" y="${height - 12}" text-anchor="middle">${new Date(t).toISOString().slice(11, 16)} UTC</text>`);
  }
  for (const mark of spec.marks) {
    if (mark.at < spec.start || mark.at > spec.end) continue;
    parts.push(`<line x1="${x(mark.at).toFixed(1)}" y1="${pad.top}" x2="${x(mark.at).toFixed(1)}" y2="${pad.top + plotH}" stroke="#9ca3af" stroke-dasharray="3 3"><title>${esc(mark.label)}</title></line>`);
  }
  spec.series.forEach((s, i) => {
    let d = '';
    let pen = false;
    for (const [t, v] of s.points) {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    }
    const colour = colours[i % colours.length]!;
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"><title>${esc(s.label)}</title></path>`);
    parts.push(`<text x="${pad.left + plotW - 4}" y="${pad.top + 12 + i * 13}" text-anchor="end" fill="${colour}">${esc(s.label.slice(0, 80))}</text>`);
  });
  if (values.length === 0) parts.push(`<text x="${pad.left + plotW / 2}" y="${pad.top + plotH / 2}" text-anchor="middle" fill="#6b7280">No data for this window${spec.note ? `: ${esc(spec.note)}` : ''}</text>`);
  else if (spec.note) parts.push(`<text x="${pad.left}" y="${height - 2}" fill="#6b7280">${esc(spec.note)}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
