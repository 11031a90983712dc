import type { Health } from '../../../shared/estate/model.js';
import type { HealthCounts } from '../../../shared/estate/health.js';
import { Icon } from '../../app/icons.js';
import type { IconName } from '../../app/icons.js';
import type { Freshness } from './freshness.js';

/** Small building blocks the overview, topology and detail panel share. */

const healthLook: Record<Health, { icon: IconName; tone: string; label: string }> = {
  healthy: { icon: 'live', tone: 'tone-ok', label: 'Healthy' },
  degraded: { icon: 'degraded', tone: 'tone-warn', label: 'Degraded' },
  failing: { icon: 'error', tone: 'tone-bad', label: 'Failing' },
  unknown: { icon: 'connecting', tone: 'tone-muted', label: 'Unknown' },
};

export const healthLabel = (health: Health): string => healthLook[health].label;
export const healthTone = (health: Health): string => healthLook[health].tone;

/** A shape and a colour (and, for assistive tech, a word): never colour alone. */
export function HealthIcon({ health, withLabel = false }: { health: Health; withLabel?: boolean }) {
  const look = healthLook[health];
  return (
    <span className={`health ${look.tone}`}>
      <Icon name={look.icon} label={withLabel ? undefined : look.label} />
      {withLabel ? <span>{look.label}</span> : null}
    </span>
  );
}

/**
 * A string a cluster or cloud gave us (names, labels, annotations, reasons). Rendered as text
 * only; bidi-isolated so an RTL override cannot reorder the row around it; cut with an ellipsis
 * and whole in the tooltip, or wrapped anywhere (`block`) where the full value matters.
 */
export function Untrusted({ text, block = false, className }: { text: string; block?: boolean; className?: string }) {
  const base = block ? 'untrusted untrusted-block' : 'untrusted truncate';
  // A tooltip of 10,000 characters helps nobody and some platforms render it slowly.
  const title = block ? undefined : text.length > 600 ? `${text.slice(0, 600)}…` : text;
  return (
    <span className={className ? `${base} ${className}` : base} title={title} dir="auto">
      {text}
    </span>
  );
}

/** Health counts as a thin stacked bar plus words, worst first. */
export function HealthBar({ counts }: { counts: HealthCounts }) {
  const total = counts.failing + counts.degraded + counts.unknown + counts.healthy;
  if (total === 0) return <span className="muted">—</span>;
  const order: Health[] = ['failing', 'degraded', 'unknown', 'healthy'];
  const words = order
    .filter((h) => counts[h] > 0 && h !== 'healthy')
    .map((h) => `${counts[h]} ${h}`)
    .concat(counts.healthy > 0 ? [`${counts.healthy} healthy`] : []);
  return (
    <span className="health-bar" title={words.join(', ')}>
      <span className="health-bar-track" aria-hidden="true">
        {order.map((h) =>
          counts[h] > 0 ? (
            <span key={h} className={`health-bar-seg ${healthLook[h].tone}`} style={{ flexGrow: counts[h] }} />
          ) : null,
        )}
      </span>
      <span className="health-bar-words">
        {counts.failing > 0 ? <span className="tone-bad strong-tone">{counts.failing} failing</span> : null}
        {counts.degraded > 0 ? <span className="tone-warn strong-tone">{counts.degraded} degraded</span> : null}
        <span className="muted">
          {counts.healthy}/{total} ok
        </span>
      </span>
    </span>
  );
}

export function FreshnessTag({ freshness }: { freshness: Freshness }) {
  return (
    <span className={`freshness ${freshness.live ? 'is-live' : 'is-stale tone-warn'}`} title={freshness.detail}>
      {freshness.live ? null : <Icon name="offline" />}
      {freshness.label}
    </span>
  );
}
