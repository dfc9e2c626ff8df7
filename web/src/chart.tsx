// The 24-hour charts, drawn as plain SVG from Endpoint.timeline: a strip of bars per list row, and
// the editor's volume bars (succeeded and failed attempts) with the success rate as a line. Each
// has a text equivalent for screen readers.
export interface Bucket {
  hour: string;
  attempts: number;
  succeeded: number;
  failed: number;
  successRate?: number | null;
}

export function Sparkline({ buckets, label }: { buckets: readonly Bucket[]; label: string }) {
  const max = Math.max(1, ...buckets.map((b) => b.attempts));
  const width = buckets.length * 5;
  const total = buckets.reduce((n, b) => n + b.attempts, 0);
  const failed = buckets.reduce((n, b) => n + b.failed, 0);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} 24`} width={width} height={24} role="img" aria-label={`${label}: ${plural(total, 'attempt')}, ${failed} failed`}>
      {buckets.map((b, i) => {
        const ok = (b.succeeded / max) * 22;
        const bad = (b.failed / max) * 22;
        return (
          <g key={b.hour}>
            <rect x={i * 5} y={24 - ok} width={4} height={ok} className="bar-ok" />
            <rect x={i * 5} y={24 - ok - bad} width={4} height={bad} className="bar-bad" />
            {b.attempts === 0 && <rect x={i * 5} y={23} width={4} height={1} className="bar-none" />}
          </g>
        );
      })}
    </svg>
  );
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function TimelineChart({ buckets }: { buckets: readonly Bucket[] }) {
  const W = 720;
  const H = 180;
  const pad = { left: 36, right: 40, top: 10, bottom: 24 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const max = Math.max(1, ...buckets.map((b) => b.attempts));
  const step = plotW / Math.max(1, buckets.length);
  const y = (n: number) => pad.top + plotH - (n / max) * plotH;
  const rateY = (r: number) => pad.top + plotH - r * plotH;
  const line = buckets
    .map((b, i) => (b.successRate === null || b.successRate === undefined ? null : `${pad.left + i * step + step / 2},${rateY(b.successRate)}`))
    .filter(Boolean)
    .join(' ');
  const total = buckets.reduce((n, b) => n + b.attempts, 0);
  const succeeded = buckets.reduce((n, b) => n + b.succeeded, 0);
  const summary =
    total === 0
      ? 'No attempts in the last 24 hours.'
      : `${plural(total, 'attempt')} in the last 24 hours, ${succeeded} succeeded (${Math.round((succeeded / total) * 100)}%).`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Attempts per hour and success rate. ${summary}`} preserveAspectRatio="none">
        {(max % 2 === 0 ? [0, 0.5, 1] : [0, 1]).map((f) => (
          <g key={f}>
            <line x1={pad.left} x2={W - pad.right} y1={pad.top + plotH - f * plotH} y2={pad.top + plotH - f * plotH} className="grid" />
            <text x={pad.left - 6} y={pad.top + plotH - f * plotH + 4} className="axis" textAnchor="end">
              {Math.round(f * max)}
            </text>
            <text x={W - pad.right + 6} y={pad.top + plotH - f * plotH + 4} className="axis rate">
              {Math.round(f * 100)}%
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x = pad.left + i * step + 1;
          const w = Math.max(1, step - 2);
          return (
            <g key={b.hour}>
              <title>{`${hourLabel(b.hour)}: ${b.attempts} attempts, ${b.succeeded} succeeded, ${b.failed} failed`}</title>
              <rect x={x} y={y(b.succeeded)} width={w} height={pad.top + plotH - y(b.succeeded)} className="bar-ok" />
              <rect x={x} y={y(b.attempts)} width={w} height={y(b.succeeded) - y(b.attempts)} className="bar-bad" />
            </g>
          );
        })}
        {line && <polyline points={line} className="rate-line" />}
        {buckets.map((b, i) =>
          i % 6 === 0 ? (
            <text key={b.hour} x={pad.left + i * step} y={H - 6} className="axis">
              {hourLabel(b.hour)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>
        <span className="legend ok">Succeeded</span> <span className="legend bad">Failed</span> <span className="legend rate">Success rate</span>
        <span className="muted"> · {summary}</span>
      </figcaption>
    </figure>
  );
}
