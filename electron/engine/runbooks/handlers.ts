import type { z } from 'zod';
import type { ExternalRunbook, Runbook, StepParams } from '../../../shared/api/runbooks.js';
import type { RunbookUrls } from './runbook-urls.js';
import type { runbookMethods } from '../../../shared/api/runbooks.js';
import type { PlanRequest } from '../../../shared/api/operations.js';
import type { Handler, TopicHandler } from '../api/router.js';
import { offersForAlert, offersForIncident, type OfferEstate } from './alert-offers.js';
import type { RunbookLibrary } from './runbook-library.js';
import type { RunService } from './run-service.js';
import { fill, fillValue, MissingValueError } from './template.js';

type RunbookMethod = keyof typeof runbookMethods;

export interface RunbookHandlerDeps {
  library: RunbookLibrary;
  runs: RunService;
  estate: OfferEstate;
  mayPerform(request: PlanRequest): Promise<boolean>;
  urls: RunbookUrls;
  /** An incident's alerts (those still in the alert list) and impacted entities; throws not_found. */
  incident(id: string): { alerts: { alertname: string; labels: Record<string, string> }[]; impacted: string[] };
}

/** The router has parsed every request with the contract's schema: these are its outputs. */
function parsed<S extends z.ZodType>(params: unknown): z.output<S> {
  return params as z.output<S>;
}

/** The API handlers for runbooks and runs; the engine spreads them into its router. */
export function runbookHandlers(deps: RunbookHandlerDeps): { [M in RunbookMethod]: Handler<M> } {
  const { library, runs } = deps;
  return {
    'runbooks.list': () => {
      // Files change under a running app (a team edits its folder): read them again when asked.
      library.reload();
      return library.list();
    },
    'runbooks.get': ({ id }) => ({ runbook: deps.urls.get(id) ?? library.get(id) }),
    'runbooks.forAlert': async ({ alertname, labels, runbookUrl }) => {
      let external: ExternalRunbook | null = null;
      let externalError: string | null = null;
      if (runbookUrl) {
        try {
          external = await deps.urls.fetch(runbookUrl);
        } catch (err) {
          externalError = (err as Error).message;
        }
      }
      const candidates = [...library.all(), ...(external?.runbookId ? [deps.urls.get(external.runbookId)].filter((r): r is Runbook => r !== undefined) : [])];
      const offers = await offersForAlert(candidates, { alertname, labels: labels ?? {} }, deps.estate, (runbook, values) => mayActFirst(runbook, values, deps.mayPerform));
      return { offers, external, externalError };
    },
    'runbooks.forIncident': async ({ incidentId }) => ({
      offers: await offersForIncident(library.all(), deps.incident(incidentId), deps.estate, (runbook, values) => mayActFirst(runbook, values, deps.mayPerform)),
    }),
    'runs.start': async (params) => ({ run: await runs.start(parsed<typeof runbookMethods['runs.start']['params']>(params)) }),
    'runs.get': ({ id }) => ({ run: runs.get(id) }),
    'runs.list': () => ({ runs: runs.list() }),
    'runs.step': (params) => runs.step(params as StepParams),
    'runs.approve': async (params) => ({ run: await runs.approve(params) }),
  };
}

export function runTopicHandlers(runs: RunService): { 'runs.subscribe': TopicHandler<'runs.subscribe'> } {
  return {
    'runs.subscribe': ({ id }, push) => runs.subscribe(id, (run) => push({ run })),
  };
}

/**
 * Whether the first action of the runbook, filled with these values, is one the context's
 * user may perform. Values the run learns only when it reaches the step (the previous
 * revision) do not change the permission asked, so a stand-in is used.
 */
async function mayActFirst(runbook: Runbook, values: Record<string, string | number>, mayPerform: (request: PlanRequest) => Promise<boolean>): Promise<boolean> {
  const action = runbook.steps.find((s) => s.type === 'action');
  if (!action) return true;
  try {
    const withStandIns = { previousRevision: 1, ...values };
    const params = Object.fromEntries(Object.entries(action.params).map(([k, v]) => [k, fillValue(v, withStandIns)]));
    return await mayPerform({ kind: action.operation, target: fill(action.target, withStandIns), params } as PlanRequest);
  } catch (err) {
    if (err instanceof MissingValueError) return false;
    return false;
  }
}
