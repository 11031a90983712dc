import { useEffect, useMemo, useState } from 'react';
import { healthSeverity } from '../../../shared/estate/model.js';
import type { Entity, Relation, RelationKind } from '../../../shared/estate/model.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { Icon } from '../../app/icons.js';
import { useClockStore } from '../../app/clock.js';
import { formatAge } from '../../app/freshness.js';
import { errorMessage } from '../../api/api-client.js';
import { entityFreshness } from './freshness.js';
import { FreshnessTag, HealthIcon, Untrusted } from './parts.js';
import { kindLabel, workloadKinds } from './rollup.js';
import { estateIndex, fetchEntityDetail, recentEventsFor, useEstateStore } from './store.js';
import { displayChildren } from '../topology/layout.js';
import { EntityActions } from '../operations/register.js';
import { EntityMetricsLink } from '../metrics/register.js';
import { DeclareFromEntity } from '../incidents/register.js';
import { EntityLogs, EntityObject, hasLogs, hasObject } from '../logs/register.js';
import { UpgradeReadiness } from '../upgrades/UpgradeReadiness.js';

/**
 * One entity, as an operator asks about it mid-incident: is it healthy and why not, which of
 * its pods are broken, what happened to it lately, which alarms are about it, and what it is
 * connected to, each a link to follow.
 */

const LIST_CAP = 100;

type DetailTab = 'overview' | 'logs' | 'events' | 'yaml' | 'upgrade';

const worstFirst = (a: Entity, b: Entity) =>
  healthSeverity[b.health] - healthSeverity[a.health] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** How each relation reads from either end. */
const relationWords: Record<RelationKind, { out: string; in: string }> = {
  owns: { out: 'Owns', in: 'Owned by' },
  selects: { out: 'Selects', in: 'Selected by' },
  'runs-on': { out: 'Runs on', in: 'Runs' },
  'routes-to': { out: 'Routes to', in: 'Receives traffic from' },
  'alarms-on': { out: 'Alarms on', in: 'Alarms' },
  'member-of': { out: 'Member of', in: 'Members' },
};

function podsOf(entity: Entity): Entity[] {
  if (entity.kind === 'node') {
    return estateIndex
      .relationsOf(entity.id)
      .filter((r) => r.kind === 'runs-on' && r.to === entity.id)
      .map((r) => estateIndex.get(r.from))
      .filter((e): e is Entity => e?.kind === 'pod');
  }
  if (workloadKinds.has(entity.kind) || entity.kind === 'replicaset') {
    return displayChildren(estateIndex, entity.id).filter((e) => e.kind === 'pod');
  }
  return [];
}

function relatedAlarms(entity: Entity): Entity[] {
  const found = new Map<string, Entity>();
  const consider = (id: string) => {
    for (const rel of estateIndex.relationsOf(id)) {
      if (rel.kind !== 'alarms-on' || rel.to !== id) continue;
      const alarm = estateIndex.get(rel.from);
      if (alarm) found.set(alarm.id, alarm);
    }
  };
  consider(entity.id);
  // One hop along traffic: the alarm on the load balancer in front of a service is about it too.
  for (const rel of estateIndex.relationsOf(entity.id)) {
    if (rel.kind === 'routes-to' || rel.kind === 'selects') consider(rel.from === entity.id ? rel.to : rel.from);
  }
  return [...found.values()].sort(worstFirst);
}

function humanKey(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function statusFacts(entity: Entity): Array<[string, string]> {
  const s = entity.status;
  const facts: Array<[string, string]> = [];
  if (typeof s['replicas'] === 'number') {
    facts.push(['Ready', `${s['readyReplicas'] ?? 0} of ${s['replicas']}`]);
  }
  for (const [key, value] of Object.entries(s)) {
    if (key === 'replicas' || key === 'readyReplicas' || value === null) continue;
    facts.push([humanKey(key), typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)]);
  }
  return facts;
}

export function EntityDetail({
  id,
  onOpen,
  onClose,
  takeFocus = true,
}: {
  id: string;
  onOpen: (id: string) => void;
  onClose: () => void;
  /** Whether the frame should move focus to the panel's heading when it opens (renderer/app/App.tsx reads data-autofocus). */
  takeFocus?: boolean;
}) {
  // Re-read the index whenever the store publishes a change.
  useEstateStore((s) => s.version);
  const sources = useEstateStore((s) => s.sources);
  const phase = useEstateStore((s) => s.phase);
  const now = useClockStore((s) => s.now);
  const entity = estateIndex.get(id);
  const [events, setEvents] = useState<{ id: string; events: EstateEvent[]; error: string | null } | null>(null);
  const [tabOf, setTabOf] = useState<{ id: string; tab: DetailTab }>({ id, tab: 'overview' });

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      fetchEntityDetail(id).then(
        (detail) => !cancelled && setEvents({ id, events: detail.events, error: null }),
        (error: unknown) => !cancelled && setEvents({ id, events: [], error: errorMessage(error) }),
      );
    void load();
    // Events also arrive live with frames; this refresh picks up what was recorded before.
    const timer = setInterval(load, 15_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [id]);

  const version = useEstateStore((s) => s.version);
  const derived = useMemo(() => {
    void version;
    if (!entity) return null;
    const pods = podsOf(entity).sort(worstFirst);
    const children = displayChildren(estateIndex, entity.id)
      .filter((e) => e.kind !== 'pod' || !workloadKinds.has(entity.kind))
      .sort(worstFirst);
    const relations = estateIndex.relationsOf(entity.id).filter((r) => r.kind !== 'owns');
    // Containment upwards, each a link: a pod leads to its workload, namespace and cluster.
    const ancestors = estateIndex
      .ancestors(entity.id)
      .filter((a) => a.kind !== 'replicaset' && a.kind !== 'cloud')
      .reverse();
    return { pods, children, alarms: relatedAlarms(entity), relations, ancestors };
  }, [entity, version]);

  if ((!entity || !derived) && phase === 'loading') {
    // Opened from the overview the engine drew before the console's copy of the estate arrived.
    return (
      <aside className="entity-detail" aria-label="Entity detail" aria-busy="true">
        <header className="entity-detail-header">
          <h2 tabIndex={-1} data-autofocus={takeFocus ? '' : undefined}>
            Loading…
          </h2>
          <CloseButton onClose={onClose} />
        </header>
        <p className="muted">The estate is still loading; this opens as soon as it is here.</p>
      </aside>
    );
  }

  if (!entity || !derived) {
    return (
      <aside className="entity-detail" aria-label="Entity detail">
        <header className="entity-detail-header">
          <h2 tabIndex={-1} data-autofocus={takeFocus ? '' : undefined}>
            Not in the estate
          </h2>
          <CloseButton onClose={onClose} />
        </header>
        <p className="muted">
          <Untrusted text={id} block /> is not known (anymore). It may have been deleted, or its source has not reported it yet.
        </p>
      </aside>
    );
  }

  const freshness = entityFreshness(entity, sources, now);
  const liveEvents = recentEventsFor(entity.id);
  const fetched = events?.id === id ? events.events : [];
  const allEvents = mergeEvents(fetched, liveEvents);
  const podsPlaceholder = entity.kind === 'pod' ? null : derived.pods;
  const tabs: Array<[DetailTab, string]> = [['overview', 'Overview']];
  if (hasLogs(entity)) tabs.push(['logs', 'Logs']);
  if (entity.id.startsWith('k8s:')) tabs.push(['events', 'Events']);
  if (hasObject(entity)) tabs.push(['yaml', 'YAML']);
  if (entity.kind === 'cluster' && entity.id.startsWith('k8s:')) tabs.push(['upgrade', 'Upgrade readiness']);
  const tab: DetailTab = tabOf.id === id && tabs.some(([value]) => value === tabOf.tab) ? tabOf.tab : 'overview';

  return (
    <aside
      className={`entity-detail ${tab === 'logs' || tab === 'yaml' || tab === 'upgrade' ? 'is-wide' : ''}`}
      aria-label={`${kindLabel[entity.kind]} detail`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <header className="entity-detail-header">
        <HealthIcon health={entity.health} />
        <div className="entity-detail-title">
          <span className="entity-kind">{kindLabel[entity.kind]}</span>
          <h2 tabIndex={-1} data-testid="entity-title" data-autofocus={takeFocus ? '' : undefined}>
            <Untrusted text={entity.name} />
          </h2>
        </div>
        <CloseButton onClose={onClose} />
      </header>
      <EntityMetricsLink entity={entity} />
      <EntityActions entity={entity} />
      <DeclareFromEntity entity={entity} />
      <div className="detail-tabs" role="tablist" aria-label="Detail views">
        {tabs.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={`detail-tab-${value}`}
            aria-selected={tab === value}
            onClick={() => setTabOf({ id, tab: value })}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === 'logs' ? (
        <div className="entity-detail-body is-logs" role="tabpanel" aria-labelledby="detail-tab-logs">
          <EntityLogs entity={entity} />
        </div>
      ) : tab === 'yaml' ? (
        <div className="entity-detail-body" role="tabpanel" aria-labelledby="detail-tab-yaml">
          <EntityObject entity={entity} />
        </div>
      ) : tab === 'upgrade' ? (
        <div className="entity-detail-body" role="tabpanel" aria-labelledby="detail-tab-upgrade">
          <UpgradeReadiness cluster={entity.id.slice('k8s:'.length)} onOpen={onOpen} />
        </div>
      ) : tab === 'events' ? (
        <div className="entity-detail-body" role="tabpanel" aria-labelledby="detail-tab-events">
          <section className="entity-section" aria-label="Kubernetes events">
            <h3>Events ({allEvents.length})</h3>
            <p className="muted">Kept by Daytwo, so older than the cluster keeps them.</p>
            <EventList events={allEvents} error={events?.error ?? null} now={now} withTime />
          </section>
        </div>
      ) : (
      <div className="entity-detail-body" role="tabpanel" aria-labelledby="detail-tab-overview">
        <section className="entity-section" aria-label="Summary">
          <p className={`entity-reason ${entity.health === 'healthy' ? '' : 'is-problem'}`}>
            <HealthIcon health={entity.health} withLabel />
            <Untrusted text={entity.healthReason || '—'} block />
          </p>
          <dl className="facts entity-facts">
            <dt>Part of</dt>
            <dd>
              <Breadcrumb ancestors={derived.ancestors} onOpen={onOpen} />
            </dd>
            <dt>Freshness</dt>
            <dd>
              <FreshnessTag freshness={freshness} />
            </dd>
            {statusFacts(entity).map(([key, value]) => (
              <Fact key={key} name={key} value={value} />
            ))}
            <dt>Id</dt>
            <dd>
              <Untrusted text={entity.id} className="mono" />
            </dd>
          </dl>
        </section>

        {podsPlaceholder && podsPlaceholder.length > 0 ? (
          <EntityList title={`Pods (${podsPlaceholder.length})`} entities={podsPlaceholder} onOpen={onOpen} testId="detail-pods" />
        ) : null}
        {derived.children.length > 0 ? (
          <EntityList title={`Contains (${derived.children.length})`} entities={derived.children} onOpen={onOpen} />
        ) : null}
        {derived.alarms.length > 0 ? (
          <EntityList title={`Related alarms (${derived.alarms.length})`} entities={derived.alarms} onOpen={onOpen} />
        ) : null}

        <section className="entity-section" aria-label="Recent events">
          <h3>Recent events</h3>
          <EventList events={allEvents.slice(0, 30)} error={events?.error ?? null} now={now} />
        </section>

        <Relations relations={derived.relations} self={entity.id} onOpen={onOpen} />
        <KeyValues title="Labels" values={entity.labels} />
        <KeyValues title="Annotations" values={entity.annotations} />
      </div>
      )}
    </aside>
  );
}

function Breadcrumb({ ancestors, onOpen }: { ancestors: Entity[]; onOpen: (id: string) => void }) {
  if (ancestors.length === 0) return <span className="muted">—</span>;
  return (
    <ol className="breadcrumb" aria-label="Containment">
      {ancestors.map((a) => (
        <li key={a.id}>
          <button type="button" className="link-button" onClick={() => onOpen(a.id)} title={`${kindLabel[a.kind]} ${a.name}`}>
            <Untrusted text={a.name} />
          </button>
        </li>
      ))}
    </ol>
  );
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>
        <Untrusted text={value} />
      </dd>
    </>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="icon-button" onClick={onClose} aria-label="Close detail" title="Close (Esc)">
      <Icon name="close" />
    </button>
  );
}

function EventList({ events, error, now, withTime = false }: { events: EstateEvent[]; error: string | null; now: number; withTime?: boolean }) {
  if (events.length === 0) return <p className="muted">{error ? `Events unavailable: ${error}` : 'No recent events.'}</p>;
  return (
    <ul className="event-list" data-testid="event-list">
      {events.map((event) => (
        <li key={event.id} className={event.type === 'warning' ? 'tone-warn' : 'tone-muted'}>
          <Icon name={event.type === 'warning' ? 'degraded' : 'live'} label={event.type} />
          <span className="event-reason">
            <Untrusted text={event.reason} />
          </span>
          <span className="event-when muted" title={new Date(event.lastAt).toISOString()}>
            {event.count > 1 ? `×${event.count} · ` : ''}
            {withTime ? `${new Date(event.lastAt).toISOString().slice(0, 19).replace('T', ' ')} UTC · ` : ''}
            {formatAge(now - event.lastAt)}
          </span>
          <Untrusted text={event.message} block className="event-message" />
        </li>
      ))}
    </ul>
  );
}

function mergeEvents(fetched: EstateEvent[], live: EstateEvent[]): EstateEvent[] {
  const byId = new Map<string, EstateEvent>();
  for (const e of fetched) byId.set(e.id, e);
  for (const e of live) {
    const known = byId.get(e.id);
    if (!known || known.lastAt <= e.lastAt) byId.set(e.id, e);
  }
  return [...byId.values()].sort((a, b) => b.lastAt - a.lastAt);
}

export function EntityList({
  title,
  entities,
  onOpen,
  testId,
}: {
  title: string;
  entities: Entity[];
  onOpen: (id: string) => void;
  testId?: string;
}) {
  // A list of one kind (pods) does not need the kind on every row; the name does need the room.
  const oneKind = entities.every((e) => e.kind === entities[0]?.kind);
  return (
    <section className="entity-section" aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      <ul className="entity-links">
        {entities.slice(0, LIST_CAP).map((e) => (
          <li key={e.id}>
            <EntityLink entity={e} onOpen={onOpen} showKind={!oneKind} />
          </li>
        ))}
      </ul>
      {entities.length > LIST_CAP ? <p className="muted">and {entities.length - LIST_CAP} more (worst shown first)</p> : null}
    </section>
  );
}

export function EntityLink({ entity, onOpen, showKind = true }: { entity: Entity; onOpen: (id: string) => void; showKind?: boolean }) {
  return (
    <button
      type="button"
      className={`entity-link ${showKind ? '' : 'no-kind'}`}
      onClick={() => onOpen(entity.id)}
      title={`${kindLabel[entity.kind]} ${entity.name}`}
    >
      <HealthIcon health={entity.health} />
      {showKind ? <span className="entity-link-kind">{kindLabel[entity.kind]}</span> : null}
      <Untrusted text={entity.name} className="entity-link-name" />
      <Untrusted text={entity.health === 'healthy' ? '' : entity.healthReason} className="entity-link-reason" />
    </button>
  );
}

function Relations({ relations, self, onOpen }: { relations: Relation[]; self: string; onOpen: (id: string) => void }) {
  const groups = new Map<string, string[]>();
  for (const rel of relations) {
    const outgoing = rel.from === self;
    const words = relationWords[rel.kind];
    const label = outgoing ? words.out : words.in;
    const other = outgoing ? rel.to : rel.from;
    const list = groups.get(label) ?? [];
    list.push(other);
    groups.set(label, list);
  }
  if (groups.size === 0) return null;
  return (
    <section className="entity-section" aria-label="Relations">
      <h3>Relations</h3>
      <dl className="relations">
        {[...groups.entries()].map(([label, ids]) => (
          <div key={label} className="relation-group">
            <dt>{label}</dt>
            <dd>
              <ul className="entity-links">
                {ids.slice(0, LIST_CAP).map((otherId) => {
                  const other = estateIndex.get(otherId);
                  return (
                    <li key={otherId}>
                      {other ? (
                        <EntityLink entity={other} onOpen={onOpen} />
                      ) : (
                        // The other end is not reported (yet): say so rather than link nowhere.
                        <span className="entity-link is-missing" title="Not in the estate">
                          <Untrusted text={otherId} className="mono" />
                        </span>
                      )}
                    </li>
                  );
                })}
              </ul>
              {ids.length > LIST_CAP ? <p className="muted">and {ids.length - LIST_CAP} more</p> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <section className="entity-section" aria-label={title}>
      <h3>{title}</h3>
      <dl className="key-values">
        {entries.map(([key, value]) => (
          <div key={key} className="key-value">
            <dt>
              <Untrusted text={key} className="mono" />
            </dt>
            <dd>
              <Untrusted text={value} block className="mono clamp" />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
