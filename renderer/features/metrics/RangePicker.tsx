import { useId, useState } from 'react';
import { toLocalInput, fromLocalInput, customRangeProblem, presets } from './time-range.js';
import type { PresetId, RangeChoice } from './time-range.js';

/**
 * 15m · 1h · 6h · 24h · 7d · Custom, as one radio group: Tab reaches it once, arrow keys move
 * between ranges (the platform's own radio behaviour), and 1–5 pick a preset from anywhere in
 * the view (use-metrics-keys.ts).
 */
export function RangePicker({
  range,
  onPreset,
  onCustom,
}: {
  range: RangeChoice;
  onPreset: (id: PresetId) => void;
  onCustom: (start: number, end: number) => void;
}) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  // The form opens on the custom range in force, or on the last hour.
  const [from, setFrom] = useState(() => toLocalInput(range.kind === 'custom' ? range.start : Date.now() - 3_600_000));
  const [to, setTo] = useState(() => toLocalInput(range.kind === 'custom' ? range.end : Date.now()));
  const [problem, setProblem] = useState<string | null>(null);
  const current = range.kind === 'custom' ? 'custom' : range.id;

  const apply = () => {
    const start = fromLocalInput(from);
    const end = fromLocalInput(to);
    const why = customRangeProblem(start, end, Date.now());
    setProblem(why);
    if (why || start === null || end === null) return;
    setEditing(false);
    onCustom(start, end);
  };

  return (
    <div className="range-picker">
      <div className="segmented range-segmented" role="radiogroup" aria-label="Time range" data-testid="range-picker">
        {presets.map((p, i) => (
          <label key={p.id} className={current === p.id ? 'checked' : ''} title={`${p.words} (${i + 1})`}>
            <input
              type="radio"
              name={`${id}-range`}
              value={p.id}
              checked={current === p.id}
              aria-label={p.words}
              onChange={() => {
                setEditing(false);
                onPreset(p.id);
              }}
            />
            {p.label}
          </label>
        ))}
        <label className={current === 'custom' || editing ? 'checked' : ''} title="A fixed range you choose">
          <input
            type="radio"
            name={`${id}-range`}
            value="custom"
            checked={current === 'custom'}
            aria-label="Custom range"
            aria-expanded={editing}
            onChange={() => setEditing(true)}
            onClick={() => setEditing(true)}
          />
          Custom
        </label>
      </div>
      {editing ? (
        <div
          className="custom-range panel"
          role="group"
          aria-label="Custom range"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setEditing(false);
            }
          }}
        >
          <label>
            From
            <input type="datetime-local" className="text-input" value={from} onChange={(e) => setFrom(e.target.value)} data-autofocus="" />
          </label>
          <label>
            To
            <input type="datetime-local" className="text-input" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          {problem ? (
            <p className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="form-actions">
            <button type="button" className="button primary" onClick={apply}>
              Show range
            </button>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
