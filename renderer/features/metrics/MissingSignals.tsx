import type { MissingSignal } from '../../../shared/api/metrics.js';
import { Icon } from '../../app/icons.js';
import { Untrusted } from '../estate/parts.js';

const SIGNAL_WORDS: Record<MissingSignal['signals'][number], string> = {
  traffic: 'traffic',
  errors: 'errors',
  latency: 'latency',
  saturation: 'saturation',
  custom: 'custom',
};

/**
 * The golden signals the engine could not find for this entity, each with why ("No request
 * metrics for fraud-worker: it exports none."): said once, instead of charts with nothing in them.
 */
export function MissingSignals({ missing }: { missing: readonly MissingSignal[] }) {
  if (missing.length === 0) return null;
  return (
    <div className="callout tone-info metrics-missing" role="note" data-testid="metrics-missing">
      <Icon name="help" />
      <div>
        <strong>Not shown</strong>
        <ul>
          {missing.map((m, i) => (
            <li key={i} data-testid="metrics-missing-item">
              <span className="muted">{m.signals.map((s) => SIGNAL_WORDS[s]).join(', ')}: </span>
              <Untrusted text={m.reason} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
