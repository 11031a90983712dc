import type { Entity } from '../../../shared/estate/model.js';
import type { CatalogMismatch, CatalogService, CatalogWorkload } from '../../../shared/api/catalog.js';
import { firstLabel, ownerLabels, teamLabels } from '../../../shared/estate/apps.js';
import { clusterIdOf, contextOfSource, parseKubeId } from '../../../shared/estate/ids.js';
import { LabelSelectorSyntaxError, parseLabelSelector, requirementsMatch } from '../../../shared/estate/label-selector.js';
import type { EstateReader } from '../state/estate-reader.js';
import type { CatalogInfo, DeclaredComponent } from './catalog-info.js';

/**
 * Services assembled from the estate: workloads grouped by the labels Kubernetes recommends
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/), across
 * clusters and clouds, so storefront in EKS and storefront in GKE is one service with two
 * deployments. The key is `app.kubernetes.io/instance` (it tells two installs of one chart
 * apart), else `app.kubernetes.io/name`, else the older `app` label, else the workload's name;
 * `part-of` is the system it belongs to. Owner and team come from labels and annotations;
 * `app.kubernetes.io/managed-by` names the tool that deployed it (Helm), never an owner.
 */

export const workloadKinds = ['deployment', 'statefulset', 'daemonset'] as const;
const instanceLabel = 'app.kubernetes.io/instance';
const nameLabel = 'app.kubernetes.io/name';
const partOfLabel = 'app.kubernetes.io/part-of';
const componentLabel = 'app.kubernetes.io/component';

export interface AssembledCatalog {
  services: CatalogService[];
  mismatches: CatalogMismatch[];
  /** Which service each workload id belongs to. */
  serviceOf: Map<string, string>;
}

export function serviceKeyOf(workload: Pick<Entity, 'labels' | 'name'>): string {
  const l = workload.labels;
  return l[instanceLabel] || l[nameLabel] || l['app'] || workload.name;
}

/** Workloads a step of `assembleCatalogInSteps` groups, or rows it builds: a few milliseconds' worth. */
const workloadsPerStep = 200;

/**
 * The catalog, a few hundred workloads per step, for the catalog's sliced pass, which shares the
 * event loop with everything else the engine does: at 50,000 pods, assembling in one step held
 * the engine for 45-130 ms (issue 17's profile).
 */
export function* assembleCatalogInSteps(
  reader: EstateReader,
  catalog: CatalogInfo,
  isProduction: (context: string) => boolean,
): Generator<void, AssembledCatalog, void> {
  const groups = new Map<string, Entity[]>();
  let taken = 0;
  for (const w of oneCopyPerCluster(reader, reader.find({ kinds: workloadKinds }))) {
    if (++taken % workloadsPerStep === 0) yield;
    // ReplicaSets are owned by Deployments and are not listed; a workload owned by another (an
    // operator's StatefulSet) still counts, since it is what runs.
    const key = serviceKeyOf(w);
    const list = groups.get(key) ?? [];
    list.push(w);
    groups.set(key, list);
  }

  const services = new Map<string, CatalogService>();
  const serviceOf = new Map<string, string>();
  let built = 0;
  for (const [key, workloads] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    built += workloads.length;
    if (built >= workloadsPerStep) {
      built = 0;
      yield;
    }
    workloads.sort((a, b) => a.id.localeCompare(b.id));
    const found = ownership(workloads);
    const first = workloads[0] as Entity;
    const rows = workloads.map((w) => workloadRow(reader, w, isProduction));
    for (const w of workloads) serviceOf.set(w.id, key);
    services.set(key, {
      id: key,
      name: first.labels[nameLabel] || key,
      system: first.labels[partOfLabel] || null,
      team: found.team,
      owner: found.owner,
      ownerFrom: found.ownerFrom,
      tier: first.labels['tier'] || first.labels[componentLabel] || null,
      lifecycle: null,
      onCall: firstLabel(first.annotations, ['pagerduty.com/service-id']) ?? null,
      links: [],
      runbooks: [],
      workloads: rows,
      clusters: [...new Set(rows.map((r) => r.cluster))].sort(),
      declared: null,
    });
  }

  const mismatches: CatalogMismatch[] = [];
  for (const component of catalog.components) {
    const matched = matchComponent(component, groups);
    if (matched.problem) {
      mismatches.push({ kind: 'declared-without-workload', subject: component.ref, message: matched.problem, file: component.file, line: component.line, workloadIds: [] });
      continue;
    }
    if (matched.keys.length === 0) {
      mismatches.push({
        kind: 'declared-without-workload',
        subject: component.ref,
        message: `${component.ref} is declared in the catalog, but no workload in any cluster matches ${matchText(component)}.`,
        file: component.file,
        line: component.line,
        workloadIds: [],
      });
      continue;
    }
    for (const key of matched.keys) {
      const service = services.get(key);
      if (service) services.set(key, enrich(service, component, catalog));
    }
  }
  for (const service of services.values()) {
    if (service.owner || service.team) continue;
    mismatches.push({
      kind: 'workload-without-owner',
      subject: service.id,
      message: `Nobody owns ${service.id}: no team or owner label or annotation on its workloads, and no catalog-info.yaml declares it.`,
      file: null,
      line: null,
      workloadIds: service.workloads.map((w) => w.id),
    });
  }
  return { services: [...services.values()], mismatches, serviceOf };
}

/**
 * A kubeconfig with an admin and a viewer context for one cluster shows each object twice, once
 * per context (docs/architecture.md, Departures). A service counts each workload once: the copy
 * from the context whose name sorts first, where a prefix sorts before its extensions, so of
 * "eks" and "eks-viewer" the admin's copy is kept and a fix the scorecard offers targets a
 * context that may perform it.
 */
function oneCopyPerCluster(reader: EstateReader, workloads: readonly Entity[]): Entity[] {
  // Each workload's cluster is looked up once, not in the sort's comparisons, where parsing both
  // ids on every comparison was most of what assembling cost (issue 17's profile).
  const placed = workloads.map((w) => {
    const clusterId = clusterIdOf(w.id) ?? '';
    const cluster = reader.get(clusterId);
    return { w, context: cluster?.name ?? w.id, identity: cluster ? String(cluster.status['server'] ?? cluster.status['cluster'] ?? cluster.id) : clusterId };
  });
  placed.sort((a, b) => a.context.localeCompare(b.context) || a.w.id.localeCompare(b.w.id));
  const kept = new Map<string, Entity>();
  for (const { w, identity } of placed) {
    const parsed = parseKubeId(w.id);
    const key = parsed?.shape === 'object' ? `${identity}|${parsed.namespace ?? ''}|${parsed.kind}|${parsed.name}` : w.id;
    if (!kept.has(key)) kept.set(key, w);
  }
  return [...kept.values()];
}

function ownership(workloads: readonly Entity[]): { team: string | null; owner: string | null; ownerFrom: string | null } {
  let team: string | null = null;
  let owner: string | null = null;
  let ownerFrom: string | null = null;
  for (const w of workloads) {
    team ??= firstLabel(w.labels, teamLabels) ?? firstLabel(w.annotations, teamLabels);
    if (!owner) {
      const fromLabel = firstLabel(w.labels, ownerLabels);
      const fromAnnotation = firstLabel(w.annotations, ownerLabels);
      owner = fromLabel ?? fromAnnotation;
      if (owner) ownerFrom = `${fromLabel ? 'label' : 'annotation'} on ${w.id}`;
    }
  }
  if (!owner && team) {
    owner = team;
    ownerFrom = 'team label';
  }
  return { team, owner, ownerFrom };
}

function workloadRow(reader: EstateReader, w: Entity, isProduction: (context: string) => boolean): CatalogWorkload {
  const parsed = parseKubeId(w.id);
  const clusterEntity = reader.get(clusterIdOf(w.id) ?? '');
  const context = contextOfSource(w.sourceId) ?? clusterEntity?.name ?? '';
  const cloud = clusterEntity?.status['cloud'];
  return {
    id: w.id,
    kind: w.kind,
    // The context's name, as kubectl and the rest of Daytwo call the cluster.
    cluster: clusterEntity?.name ?? context,
    cloud: typeof cloud === 'string' ? cloud : null,
    namespace: parsed?.shape === 'object' ? (parsed.namespace ?? '') : '',
    name: w.name,
    replicas: typeof w.status['replicas'] === 'number' ? w.status['replicas'] : null,
    readyReplicas: typeof w.status['readyReplicas'] === 'number' ? w.status['readyReplicas'] : null,
    production: isProduction(context),
  };
}

/**
 * The Backstage Kubernetes plugin finds a component's objects by the label
 * `backstage.io/kubernetes-id=<id>`, or by a label selector annotation
 * (https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity).
 * We also take a kubernetes-id equal to a service's key, since most clusters carry the
 * recommended labels and not Backstage's.
 */
function matchComponent(component: DeclaredComponent, groups: ReadonlyMap<string, Entity[]>): { keys: string[]; problem?: string } {
  let requirements: ReturnType<typeof parseLabelSelector> | null = null;
  if (component.labelSelector) {
    try {
      requirements = parseLabelSelector(component.labelSelector);
    } catch (error) {
      if (error instanceof LabelSelectorSyntaxError) return { keys: [], problem: `${component.ref}: backstage.io/kubernetes-label-selector "${component.labelSelector}" is not a label selector: ${error.message}` };
      throw error;
    }
  }
  const keys: string[] = [];
  for (const [key, workloads] of groups) {
    const hit = workloads.some((w) => {
      if (requirements) return requirementsMatch(w.labels, requirements);
      const id = component.kubernetesId;
      return id !== null && (w.labels['backstage.io/kubernetes-id'] === id || key === id);
    });
    if (hit) keys.push(key);
  }
  return { keys };
}

function matchText(component: DeclaredComponent): string {
  if (component.labelSelector) return `the label selector "${component.labelSelector}"`;
  if (component.kubernetesId) return `backstage.io/kubernetes-id "${component.kubernetesId}"`;
  return 'anything (it has neither backstage.io/kubernetes-id nor backstage.io/kubernetes-label-selector)';
}

function enrich(service: CatalogService, c: DeclaredComponent, catalog: CatalogInfo): CatalogService {
  const ownerRef = c.owner;
  const ownerTitle = ownerRef ? (catalog.groups.get(qualify(ownerRef))?.title ?? null) : null;
  return {
    ...service,
    owner: ownerRef ? (ownerTitle ? `${ownerTitle} (${ownerRef})` : ownerRef) : service.owner,
    ownerFrom: ownerRef ? `${c.file}:${c.line}` : service.ownerFrom,
    system: c.system ?? service.system,
    tier: c.type ?? service.tier,
    lifecycle: c.lifecycle ?? service.lifecycle,
    onCall: c.pagerDutyServiceId ?? service.onCall,
    links: [...service.links, ...c.links],
    runbooks: [...service.runbooks, ...c.runbooks],
    declared: { entityRef: c.ref, file: c.file, line: c.line },
    ...(c.featureFlags ? { featureFlags: c.featureFlags } : {}),
  };
}

/** "team-web" → "group:default/team-web", as Backstage reads an owner without a kind. */
function qualify(ref: string): string {
  const withKind = ref.includes(':') ? ref : `group:${ref}`;
  return withKind.includes('/') ? withKind.toLowerCase() : withKind.replace(':', ':default/').toLowerCase();
}
