// The pods of the watch benches: a pod as an API server sends it (managedFields, probes, env,
// volumes, status with conditions and container statuses; ~4.6 KB of JSON), the i-th of
// `podCount`, as it is after `round` rounds of restarts and readiness flips.

export function pod(i, round, podCount) {
  const app = `svc-${i % 40}`;
  const rs = `${app}-7d9f8b6c5d`;
  const name = `${rs}-${i.toString(36).padStart(5, 'x')}`;
  const ready = (i + round) % 7 !== 0;
  const t = new Date(Date.UTC(2025, 0, 1, 10, 0, round)).toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rs}-`,
      namespace: `team-${i % 8}`,
      uid: `0b1c2d3e-${i.toString(16).padStart(4, '0')}-4f5a-8b9c-0d1e2f3a4b5c`,
      resourceVersion: String(1000 + round * podCount + i),
      creationTimestamp: '2025-01-01T09:00:00Z',
      labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': '7d9f8b6c5d', team: `team-${i % 8}` },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T08:00:00Z', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: 'aa-bb', controller: true, blockOwnerDeletion: true }],
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T09:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"aa-bb"}': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:ports': {}, 'f:resources': {} } } } } },
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: t, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } }, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': {}, 'f:startTime': {} } } },
      ],
    },
    spec: {
      volumes: [{ name: 'kube-api-access-abcde', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }], defaultMode: 420 } }],
      containers: [
        {
          name: 'app',
          image: `registry.example.com/shop/${app}:1.42.${i % 3}`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
          env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }, { name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }],
          resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: `ip-10-0-${i % 50}-${i % 200}.eu-west-1.compute.internal`,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:05Z' },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:00Z' },
        { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:00Z' },
      ],
      hostIP: `10.0.${i % 50}.${i % 200}`,
      podIP: `10.1.${i % 250}.${(i * 7) % 250}`,
      podIPs: [{ ip: `10.1.${i % 250}.${(i * 7) % 250}` }],
      startTime: '2025-01-01T09:00:00Z',
      containerStatuses: [
        {
          name: 'app',
          state: ready ? { running: { startedAt: t } } : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app' } },
          lastState: round > 0 ? { terminated: { exitCode: 1, reason: 'Error', startedAt: '2025-01-01T09:00:01Z', finishedAt: '2025-01-01T09:00:04Z' } } : {},
          ready,
          restartCount: round,
          image: `registry.example.com/shop/${app}:1.42.${i % 3}`,
          imageID: 'registry.example.com/shop/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          containerID: 'containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          started: ready,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}

/** The watch event that modifies pod i in `round`. */
export function podEvent(i, round, podCount) {
  return { type: 'MODIFIED', object: pod(i, round, podCount) };
}
