// Kubernetes objects as an API server sends them, shared by the benches that feed the engine's
// watch path (burst-engine.js, watch-deletions.js) so both measure the same shape.

/** Nodes per simulated cluster; a pod's nodeName is one of them. */
export const nodesPerCluster = 60;

export const meta = (namespace, name, extra = {}) => ({ name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T09:00:00Z', ...extra });

/** A pod as the API server sends it (the fields the engine reads, and the bulk it skips). */
export function pod(c, ns, name, i, owner, labels) {
  const crashing = owner !== null && i % 97 === 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta(ns, name),
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${ns}-${owner}`, controller: true, blockOwnerDeletion: true }] } : {}),
      managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T09:00:05Z', fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:phase': {}, 'f:podIP': {} } } }],
    },
    spec: {
      nodeName: `node-${c}-${i % nodesPerCluster}`,
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m' } }, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' }],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: '2025-01-01T09:00:00Z' },
        { type: 'Ready', status: crashing ? 'False' : 'True', lastTransitionTime: '2025-01-01T09:00:05Z' },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T09:00:00Z' },
      ],
      podIP: `10.1.${i % 250}.${(i * 7) % 250}`,
      startTime: '2025-01-01T09:00:00Z',
      containerStatuses: [
        {
          name: 'app',
          state: crashing ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } } : { running: { startedAt: '2025-01-01T09:00:05Z' } },
          ready: !crashing,
          restartCount: crashing ? 12 : 0,
          image: 'registry.k8s.io/pause:3.10',
          containerID: 'containerd://0123456789abcdef',
          started: !crashing,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}
