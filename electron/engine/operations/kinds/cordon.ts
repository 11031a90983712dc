import type { NodeObject } from '../kube-objects.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import type { OperationModule } from '../operation.js';
import { enc, readLive, watchUntil } from '../operation.js';
import type { Target } from '../target.js';

export function nodePath(name: string): string {
  return `/api/v1/nodes/${enc(name)}`;
}

/**
 * Cordon marks a node unschedulable (spec.unschedulable), exactly what `kubectl cordon` patches;
 * running pods stay (https://kubernetes.io/docs/concepts/architecture/nodes/#manual-node-administration).
 */
export async function setUnschedulable(calls: ClusterCalls, node: string, unschedulable: boolean): Promise<void> {
  await withRetry(() => calls.patch(nodePath(node), 'strategic', { spec: { unschedulable } }));
}

interface CordonAction {
  unschedulable: boolean;
}

async function readNode(calls: ClusterCalls, target: Target): Promise<NodeObject> {
  return readLive<NodeObject>(calls, nodePath(target.name), `Node ${target.name}`);
}

function cordonModule<K extends 'cordon' | 'uncordon'>(kind: K, unschedulable: boolean): OperationModule<K, CordonAction> {
  return {
    kind,
    targets: ['Node'],
    permissions: (target) => [
      { verb: 'get', group: '', resource: 'nodes', name: target.name },
      { verb: 'patch', group: '', resource: 'nodes', name: target.name },
    ],
    async plan(calls, target) {
      const live = await readNode(calls, target);
      const before = live.spec?.unschedulable === true;
      const dry = await calls.patch<NodeObject>(nodePath(target.name), 'strategic', { spec: { unschedulable } }, { dryRun: true });
      const after = dry.spec?.unschedulable === true;
      return {
        summary: unschedulable
          ? `Cordon node ${target.name}: no new pods are scheduled on it; running pods stay.`
          : `Uncordon node ${target.name}: the scheduler may place pods on it again.`,
        changes: [{ field: 'spec.unschedulable', before: String(before), after: String(after) }],
        risks:
          before === unschedulable
            ? [{ code: 'no-change', severity: 'info', message: `Node ${target.name} is already ${unschedulable ? 'cordoned' : 'schedulable'}; nothing will change.` }]
            : [],
        action: { unschedulable },
        fingerprint: `unschedulable=${before}`,
        verb: `${kind} ${target.name}`,
      };
    },
    async fingerprint(calls, target) {
      return `unschedulable=${(await readNode(calls, target)).spec?.unschedulable === true}`;
    },
    async execute(run, action) {
      await setUnschedulable(run.calls, run.target.name, action.unschedulable);
      run.report(action.unschedulable ? 'Node marked unschedulable.' : 'Node marked schedulable.');
    },
    verify(run, action) {
      return watchUntil(run, async () => {
        const done = ((await readNode(run.calls, run.target)).spec?.unschedulable === true) === action.unschedulable;
        return { done, message: done ? `Node ${run.target.name} is ${action.unschedulable ? 'cordoned' : 'schedulable'}.` : 'Waiting for the node to show the change…' };
      });
    },
  };
}

export const cordon = cordonModule('cordon', true);
export const uncordon = cordonModule('uncordon', false);
