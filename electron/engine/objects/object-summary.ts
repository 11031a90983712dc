import type { ContainerSummary, ObjectRef, ObjectSummary } from '../../../shared/api/objects.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- an object read from the API server is
   arbitrary JSON; every field below is read defensively with optional chaining and String(). */
type Json = any;

/**
 * A `kubectl describe`-like reading of an object: its containers (image, ports, probes,
 * resources, env sources, mounts, state), conditions and volumes, following the order and
 * wording of kubectl's describers (k8s.io/kubectl/pkg/describe/describe.go) where they apply.
 * Values from Secrets are never read here, only where they come from.
 */
export function summarize(object: Json): ObjectSummary {
  const kind = String(object?.kind ?? '');
  const podSpec: Json = kind === 'Pod' ? object.spec : kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template?.spec : object.spec?.template?.spec;
  const statuses: Json[] = kind === 'Pod' ? [...(object.status?.initContainerStatuses ?? []), ...(object.status?.containerStatuses ?? [])] : [];
  const containers: ContainerSummary[] = podSpec
    ? [
        ...(podSpec.initContainers ?? []).map((c: Json) => container(c, true, statuses)),
        ...(podSpec.containers ?? []).map((c: Json) => container(c, false, statuses)),
      ]
    : [];
  return {
    facts: facts(kind, object),
    containers,
    conditions: (Array.isArray(object?.status?.conditions) ? object.status.conditions : []).map((c: Json) => ({
      type: String(c.type ?? ''),
      status: String(c.status ?? ''),
      reason: String(c.reason ?? ''),
      message: String(c.message ?? ''),
    })),
    volumes: (podSpec?.volumes ?? []).map(volume),
    references: podSpec ? references(podSpec) : [],
  };
}

function facts(kind: string, o: Json): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') out.push([name, String(value)]);
  };
  add('Namespace', o?.metadata?.namespace);
  add('Created', o?.metadata?.creationTimestamp);
  if (kind === 'Pod') {
    add('Node', o.spec?.nodeName);
    add('Status', o.status?.phase);
    add('IP', o.status?.podIP);
    add('Service Account', o.spec?.serviceAccountName);
    add('QoS Class', o.status?.qosClass);
    add('Controlled By', controller(o));
    add('Termination Grace Period', o.spec?.terminationGracePeriodSeconds !== undefined ? `${o.spec.terminationGracePeriodSeconds}s` : undefined);
  } else if (['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'].includes(kind)) {
    const s = o.status ?? {};
    if (kind === 'DaemonSet') add('Pods', `${s.numberReady ?? 0} ready of ${s.desiredNumberScheduled ?? 0} desired`);
    else add('Replicas', `${o.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.readyReplicas ?? 0} ready | ${s.unavailableReplicas ?? 0} unavailable`);
    add('Selector', Object.entries(o.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(','));
    add('Strategy', o.spec?.strategy?.type ?? o.spec?.updateStrategy?.type);
    add('Controlled By', controller(o));
  } else if (kind === 'Service') {
    add('Type', o.spec?.type);
    add('Cluster IP', o.spec?.clusterIP);
    add('Selector', Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(','));
    add('Ports', (o.spec?.ports ?? []).map((p: Json) => `${p.name ? `${p.name} ` : ''}${p.port}→${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`).join(', '));
    add('Load Balancer', (o.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.hostname ?? i.ip).join(', '));
  } else if (kind === 'Node') {
    add('Unschedulable', o.spec?.unschedulable ? 'true' : 'false');
    add('Kubelet', o.status?.nodeInfo?.kubeletVersion);
    add('Capacity', Object.entries(o.status?.capacity ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' '));
  } else if (kind === 'Secret' || kind === 'ConfigMap') {
    add('Type', o.type);
    add('Keys', [...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {}), ...Object.keys(o.binaryData ?? {})].sort().join(', ') || '(none)');
  }
  return out;
}

function controller(o: Json): string | undefined {
  const owner = (o?.metadata?.ownerReferences ?? []).find((r: Json) => r.controller) ?? o?.metadata?.ownerReferences?.[0];
  return owner ? `${owner.kind}/${owner.name}` : undefined;
}

function container(c: Json, init: boolean, statuses: Json[]): ContainerSummary {
  const status = statuses.find((s) => s.name === c.name);
  return {
    name: String(c.name ?? ''),
    init,
    image: String(c.image ?? ''),
    ports: (c.ports ?? []).map((p: Json) => `${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol ?? 'TCP'}`),
    probes: (['liveness', 'readiness', 'startup'] as const).flatMap((which) => {
      const probe = c[`${which}Probe`];
      return probe ? [`${which}: ${probeText(probe)}`] : [];
    }),
    resources: (['requests', 'limits'] as const).flatMap((which) => {
      const values = c.resources?.[which];
      return values && Object.keys(values).length > 0 ? [`${which} ${Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`] : [];
    }),
    env: [
      ...(c.env ?? []).map((e: Json) => {
        const from = e.valueFrom;
        if (from?.secretKeyRef) return `${e.name} ← secret ${from.secretKeyRef.name} key ${from.secretKeyRef.key}`;
        if (from?.configMapKeyRef) return `${e.name} ← config map ${from.configMapKeyRef.name} key ${from.configMapKeyRef.key}`;
        if (from?.fieldRef) return `${e.name} ← field ${from.fieldRef.fieldPath}`;
        if (from?.resourceFieldRef) return `${e.name} ← resource ${from.resourceFieldRef.resource}`;
        return `${e.name} = ${String(e.value ?? '')}`;
      }),
      ...(c.envFrom ?? []).map((e: Json) => (e.secretRef ? `all keys of secret ${e.secretRef.name}` : `all keys of config map ${e.configMapRef?.name}`)),
    ],
    mounts: (c.volumeMounts ?? []).map((m: Json) => `${m.mountPath} from ${m.name}${m.readOnly ? ' (ro)' : ' (rw)'}`),
    state: status ? stateText(status) : null,
  };
}

/** "http-get :8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3", as describe prints it. */
function probeText(p: Json): string {
  const action = p.httpGet
    ? `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://:${p.httpGet.port}${p.httpGet.path ?? '/'}`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.exec
        ? `exec [${(p.exec.command ?? []).join(' ')}]`
        : p.grpc
          ? `grpc :${p.grpc.port}`
          : 'unknown';
  return `${action} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function stateText(s: Json): string {
  const parts: string[] = [];
  if (s.state?.running) parts.push(`Running since ${s.state.running.startedAt}`);
  else if (s.state?.waiting) parts.push(`Waiting: ${s.state.waiting.reason ?? ''}`);
  else if (s.state?.terminated) parts.push(`Terminated: ${s.state.terminated.reason ?? ''} (exit ${s.state.terminated.exitCode})`);
  parts.push(`ready ${s.ready ? 'yes' : 'no'}`, `restarts ${s.restartCount ?? 0}`);
  const last = s.lastState?.terminated;
  if (last) parts.push(`last: ${last.reason ?? 'Terminated'} (exit ${last.exitCode}) at ${last.finishedAt}`);
  return parts.join(' · ');
}

function volume(v: Json): string {
  const name = String(v.name ?? '');
  if (v.secret) return `${name}: secret ${v.secret.secretName}`;
  if (v.configMap) return `${name}: config map ${v.configMap.name}`;
  if (v.persistentVolumeClaim) return `${name}: claim ${v.persistentVolumeClaim.claimName}`;
  if (v.emptyDir) return `${name}: empty dir${v.emptyDir.medium ? ` (${v.emptyDir.medium})` : ''}`;
  if (v.hostPath) return `${name}: host path ${v.hostPath.path}`;
  if (v.projected) return `${name}: projected (${(v.projected.sources ?? []).length} sources)`;
  const other = Object.keys(v).find((k) => k !== 'name');
  return `${name}: ${other ?? 'unknown'}`;
}

/** Secrets and ConfigMaps a pod spec names, once each, in the order they appear. */
function references(spec: Json): ObjectRef[] {
  const found = new Map<string, ObjectRef>();
  const add = (kind: ObjectRef['kind'], name: unknown) => {
    if (typeof name === 'string' && name) found.set(`${kind}/${name}`, { kind, name });
  };
  for (const v of spec.volumes ?? []) {
    add('Secret', v.secret?.secretName);
    add('ConfigMap', v.configMap?.name);
    for (const s of v.projected?.sources ?? []) {
      add('Secret', s.secret?.name);
      add('ConfigMap', s.configMap?.name);
    }
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) {
      add('Secret', e.valueFrom?.secretKeyRef?.name);
      add('ConfigMap', e.valueFrom?.configMapKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add('Secret', e.secretRef?.name);
      add('ConfigMap', e.configMapRef?.name);
    }
  }
  for (const s of spec.imagePullSecrets ?? []) add('Secret', s.name);
  return [...found.values()];
}
