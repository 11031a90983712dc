import { create } from 'zustand';
import { terminalOperationStates } from '../../../shared/api/operations.js';
import type { Operation, OperationKind, Plan, PlanRequest, Revision } from '../../../shared/api/operations.js';
import { api, errorMessage } from '../../api/api-client.js';

/**
 * The operation dialog's flow, one operation at a time:
 * params → planning → plan (diff, risks, confirmation) → running (live progress) → result.
 * Actions are plain module functions (zustand's "no store actions" practice), so the palette
 * and the detail panels start an operation the same way.
 */

export interface OperationTarget {
  /** Entity id, k8s:<context>/… */
  id: string;
  /** What to call it in headings: "Deployment shop/web". */
  label: string;
  /** The plain name, e.g. what the production guardrail asks to type. */
  name: string;
  /** Current replicas (workloads) or range (HPAs), to prefill the form. */
  replicas?: number | undefined;
  minReplicas?: number | undefined;
  maxReplicas?: number | undefined;
}

export type DialogStep = 'closed' | 'params' | 'planning' | 'plan' | 'running' | 'result';

export interface OperationsState {
  step: DialogStep;
  kind: OperationKind | null;
  target: OperationTarget | null;
  params: Record<string, unknown>;
  /** For rollback: the Deployment's revisions, read live. */
  revisions: Revision[] | null;
  plan: Plan | null;
  operation: Operation | null;
  /** The engine's refusal or failure, in its words. */
  error: string | null;
  /** An error that came from an offline source: offer to keep the plan as a draft. */
  offline: boolean;
  busy: boolean;
}

const closed: OperationsState = {
  step: 'closed',
  kind: null,
  target: null,
  params: {},
  revisions: null,
  plan: null,
  operation: null,
  error: null,
  offline: false,
  busy: false,
};

export const useOperationsStore = create<OperationsState>()(() => ({ ...closed }));

/** Kinds that need a value from the operator before planning. */
const needsParams: ReadonlySet<OperationKind> = new Set(['scale', 'hpa-range', 'rollback', 'drain']);

let unwatch: (() => void) | null = null;

/** Opens the plan dialog; `preset` parameters (a silence's matchers from an alert) skip the form and plan at once. */
export function startOperation(kind: OperationKind, target: OperationTarget, preset?: Record<string, unknown>): void {
  stopWatching();
  if (preset) {
    useOperationsStore.setState({ ...closed, step: 'planning', kind, target, params: preset });
    void planOperation(preset);
    return;
  }
  const params: Record<string, unknown> =
    kind === 'scale'
      ? { replicas: target.replicas ?? 1 }
      : kind === 'hpa-range'
        ? { minReplicas: target.minReplicas ?? 1, maxReplicas: target.maxReplicas ?? Math.max(target.minReplicas ?? 1, 1) }
        : {};
  useOperationsStore.setState({ ...closed, step: needsParams.has(kind) ? 'params' : 'planning', kind, target, params });
  if (kind === 'rollback') void loadRevisions(target.id);
  if (!needsParams.has(kind)) void planOperation(params);
}

async function loadRevisions(id: string): Promise<void> {
  try {
    const { revisions } = await api().call('operations.history', { target: id });
    const previous = revisions.find((r) => !r.current);
    useOperationsStore.setState((s) => ({
      revisions,
      params: s.params['revision'] === undefined && previous ? { ...s.params, revision: previous.revision } : s.params,
    }));
  } catch (error) {
    useOperationsStore.setState({ revisions: [], error: errorMessage(error) });
  }
}

export function setParams(params: Record<string, unknown>): void {
  useOperationsStore.setState((s) => ({ params: { ...s.params, ...params } }));
}

/** Plans against live state. keepDraft: the source is not live and the operator wants a draft. */
export async function planOperation(params?: Record<string, unknown>, keepDraft = false): Promise<void> {
  const { kind, target } = useOperationsStore.getState();
  if (!kind || !target) return;
  const chosen = params ?? useOperationsStore.getState().params;
  useOperationsStore.setState({ step: 'planning', params: chosen, error: null, offline: false, busy: true });
  try {
    const request = { kind, target: target.id, params: chosen, ...(keepDraft ? { keepDraft } : {}) } as PlanRequest;
    const { plan } = await api().call('operations.plan', request);
    useOperationsStore.setState({ step: 'plan', plan, busy: false });
  } catch (error) {
    const offline = (error as { code?: string }).code === 'unavailable';
    useOperationsStore.setState({ step: needsParams.has(kind) ? 'params' : 'plan', plan: null, error: errorMessage(error), offline, busy: false });
  }
}

/** A draft (or an expired plan) is planned again against live state before anyone may confirm it. */
export async function replanOperation(): Promise<void> {
  const { plan } = useOperationsStore.getState();
  if (!plan) return;
  useOperationsStore.setState({ busy: true, error: null, offline: false });
  try {
    const { plan: fresh } = await api().call('operations.replan', { planId: plan.id });
    useOperationsStore.setState({ plan: fresh, step: 'plan', busy: false });
  } catch (error) {
    useOperationsStore.setState({ error: errorMessage(error), offline: (error as { code?: string }).code === 'unavailable', busy: false });
  }
}

/** Opens a stored plan (a draft from the list) in the dialog. */
export function openPlan(plan: Plan, label: string): void {
  stopWatching();
  useOperationsStore.setState({
    ...closed,
    step: 'plan',
    kind: plan.kind,
    target: { id: plan.target, label, name: plan.targetName },
    params: plan.params,
    plan,
  });
}

export async function executePlan(confirmation: string): Promise<void> {
  const { plan } = useOperationsStore.getState();
  if (!plan) return;
  useOperationsStore.setState({ busy: true, error: null });
  try {
    const { operation } = await api().call('operations.execute', { planId: plan.id, confirmation });
    useOperationsStore.setState({ operation, step: terminalOperationStates.includes(operation.state) ? 'result' : 'running', busy: false });
    watchOperation(operation.id);
  } catch (error) {
    useOperationsStore.setState({ error: errorMessage(error), busy: false });
  }
}

function watchOperation(id: string): void {
  stopWatching();
  unwatch = api().subscribe(
    'operations.watch',
    { id },
    ({ operation }) => {
      if (useOperationsStore.getState().operation?.id !== operation.id) return;
      const done = terminalOperationStates.includes(operation.state);
      useOperationsStore.setState({ operation, step: done ? 'result' : 'running' });
      if (done) stopWatching();
    },
    (error) => useOperationsStore.setState({ error: error.message }),
  );
}

function stopWatching(): void {
  unwatch?.();
  unwatch = null;
}

/** Closing the dialog never stops an operation: it runs on in the engine and lands in the audit log. */
export function closeOperationDialog(): void {
  stopWatching();
  useOperationsStore.setState({ ...closed });
}
