import type { Offer, Runbook } from '../../../shared/api/runbooks.js';
import { parseLabelSelector, requirementsMatch } from '../../../shared/estate/label-selector.js';
import { clusterNameOf, parseKubeId } from '../../../shared/estate/ids.js';
import type { Entity } from '../../../shared/estate/model.js';
import { entitiesForAlertLabels } from '../metrics/alerts.js';

export interface OfferEstate {
  get(id: string): Entity | undefined;
  parent(id: string): Entity | undefined;
  clusters(): Entity[];
}

/**
 * The runbooks that answer an alert (its name, and its labels against the runbook's selector),
 * with parameters filled from the labels and the estate: the entities the labels name
 * (metrics/alerts.ts decides which), a pod's owning Deployment through the containment tree,
 * and the context. When several contexts hold the entity (an admin and a read-only context on
 * one cluster), `mayAct` picks the first whose user may perform the runbook's first action;
 * what nothing can fill is listed as missing, for the person to give.
 */
export async function offersForAlert(
  runbooks: readonly Runbook[],
  alert: { alertname: string; labels: Record<string, string> },
  estate: OfferEstate,
  mayAct: (runbook: Runbook, values: Record<string, string | number>) => Promise<boolean>,
): Promise<Offer[]> {
  const labels = { ...alert.labels, alertname: alert.alertname };
  const matching = runbooks.filter((r) => r.answers.alerts.some((a) => a.name === alert.alertname && requirementsMatch(labels, parseLabelSelector(a.labels))));
  if (matching.length === 0) return [];
  return offersFrom(matching, labels, valuesByContext(estate, entitiesForAlertLabels(estate, labels)), mayAct);
}

/**
 * The runbooks that answer an incident: those of each of its alerts (in order), then those whose
 * `answers.entities` match one of its impacted entities (kind, and the selector against the
 * entity's labels), parameters filled from that entity. A runbook offered twice keeps its first
 * offer.
 */
export async function offersForIncident(
  runbooks: readonly Runbook[],
  incident: { alerts: { alertname: string; labels: Record<string, string> }[]; impacted: readonly string[] },
  estate: OfferEstate,
  mayAct: (runbook: Runbook, values: Record<string, string | number>) => Promise<boolean>,
): Promise<Offer[]> {
  const offers = new Map<string, Offer>();
  const keep = (found: Offer[]) => found.forEach((o) => offers.has(o.runbook.id) || offers.set(o.runbook.id, o));
  for (const alert of incident.alerts) keep(await offersForAlert(runbooks, alert, estate, mayAct));
  for (const id of incident.impacted) {
    const entity = estate.get(id);
    if (!entity) continue;
    const matching = runbooks.filter((r) => r.answers.entities.some((e) => e.kind === entity.kind && requirementsMatch(entity.labels, parseLabelSelector(e.selector))));
    if (matching.length > 0) keep(await offersFrom(matching, {}, valuesByContext(estate, [id]), mayAct));
  }
  return [...offers.values()];
}

/** What entity ids say about parameters, per context (one cluster may be reached by several). */
function valuesByContext(estate: OfferEstate, ids: Iterable<string>): Map<string, Record<string, string>> {
  const byContext = new Map<string, Record<string, string>>();
  // What a cloud entity names holds in every context: a managed database is the same from each.
  const cloud: Record<string, string> = {};
  for (const id of ids) {
    const parsed = parseKubeId(id);
    if (!parsed) {
      const entity = estate.get(id);
      if (entity?.kind === 'database') cloud.dbInstance = entity.name;
      continue;
    }
    if (parsed.shape !== 'object') continue;
    const context = clusterNameOf(parsed.clusterKey);
    const found = byContext.get(context) ?? { context };
    if (parsed.namespace) found.namespace = parsed.namespace;
    if (parsed.kind === 'Node') found.node = parsed.name;
    if (parsed.kind === 'Service') found.service = parsed.name;
    if (parsed.kind === 'Deployment') found.deployment = parsed.name;
    if (parsed.kind === 'Pod') {
      found.pod = parsed.name;
      // Pod → ReplicaSet → Deployment, through the estate's containment parents.
      const owner = estate.parent(id);
      const top = owner?.kind === 'replicaset' ? estate.parent(owner.id) : owner;
      if (top?.kind === 'deployment' && !found.deployment) found.deployment = top.name;
    }
    byContext.set(context, found);
  }
  if (Object.keys(cloud).length === 0) return byContext;
  if (byContext.size === 0) byContext.set('', {});
  for (const found of byContext.values()) Object.assign(found, cloud, { ...found });
  return byContext;
}

async function offersFrom(
  matching: readonly Runbook[],
  labels: Record<string, string>,
  byContext: Map<string, Record<string, string>>,
  mayAct: (runbook: Runbook, values: Record<string, string | number>) => Promise<boolean>,
): Promise<Offer[]> {
  const offers: Offer[] = [];
  for (const runbook of matching) {
    const candidates = byContext.size > 0 ? [...byContext.values()] : [{}];
    let chosen: Record<string, string | number> | null = null;
    let fallback: Record<string, string | number> | null = null;
    for (const fromEstate of candidates) {
      const values = fill(runbook, labels, fromEstate);
      fallback ??= values;
      if (!runbook.steps.some((s) => s.type === 'action') || (await mayAct(runbook, values))) {
        chosen = values;
        break;
      }
    }
    const parameters = chosen ?? fallback ?? {};
    const missing = Object.keys(runbook.parameters).filter((name) => parameters[name] === undefined);
    offers.push({ runbook: { id: runbook.id, title: runbook.title, origin: runbook.origin, hash: runbook.hash, answers: runbook.answers }, parameters, missing });
  }
  return offers;
}

/** A runbook's parameters from the alert's labels (same name), then the estate, then defaults. */
function fill(runbook: Runbook, labels: Record<string, string>, fromEstate: Record<string, string>): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [name, spec] of Object.entries(runbook.parameters)) {
    const value = labels[name] ?? fromEstate[name] ?? spec.default;
    if (value !== undefined && value !== '') values[name] = spec.type === 'number' ? Number(value) : value;
  }
  return values;
}
