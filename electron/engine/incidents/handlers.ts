import path from 'node:path';
import type { z } from 'zod';
import type { DeclareParams, ListParams, NoteParams, TimelineParams, UpdateParams } from '../../../shared/api/incidents.js';
import type { MetricQueryResult, Panel } from '../../../shared/api/metrics.js';
import type { QueryParams as MetricQueryParams } from '../metrics/metrics-service.js';
import type { Handler, TopicHandler } from '../api/router.js';
import type { IncidentService } from './incident-service.js';
import { writePostmortem } from './postmortem-export.js';
import type { SuggestionSource } from './suggestions.js';
import { suggestIncidents } from './suggestions.js';

type IncidentMethod =
  | 'incidents.declare'
  | 'incidents.list'
  | 'incidents.get'
  | 'incidents.update'
  | 'incidents.note'
  | 'incidents.mark'
  | 'incidents.timeline'
  | 'incidents.export'
  | 'incidents.suggestions';

export interface IncidentHandlerDeps {
  service: IncidentService;
  /** The store file, named in the export's verify command. */
  databaseFile: string;
  dataDir: string;
  panels(entityId: string): Panel[] | Promise<Panel[]>;
  query(params: MetricQueryParams): Promise<MetricQueryResult>;
  alerts: SuggestionSource;
}

/**
 * The router has already parsed every request with the contract's schema, so the values are the
 * schema's output (defaults filled in) even though the handler type names its input.
 */
function parsed<S extends z.ZodType>(params: unknown): z.output<S> {
  return params as z.output<S>;
}

/** The API handlers for incidents; the engine spreads them into its router. */
export function incidentHandlers(deps: IncidentHandlerDeps): { [M in IncidentMethod]: Handler<M> } {
  const { service } = deps;
  return {
    'incidents.declare': (params) => ({ incident: service.declare(parsed<typeof DeclareParams>(params)) }),
    'incidents.list': (params) => ({ incidents: service.list(parsed<typeof ListParams>(params)) }),
    'incidents.get': ({ id }) => ({ incident: service.get(id) }),
    'incidents.update': (params) => ({ incident: service.update(parsed<typeof UpdateParams>(params)) }),
    'incidents.note': (params) => ({ note: service.note(parsed<typeof NoteParams>(params)) }),
    'incidents.mark': ({ id, itemId, starred, hidden }) => service.mark(id, itemId, { starred, hidden }),
    'incidents.timeline': (params) => service.timeline(parsed<typeof TimelineParams>(params)),
    'incidents.export': async ({ id }) => {
      const incident = service.get(id);
      const window = service.window(incident);
      const covered = new Set(service.coverage(incident));
      return writePostmortem(path.join(deps.dataDir, 'exports'), {
        incident,
        window,
        items: service.items(incident, window.start, window.end),
        notes: service.notes(id),
        audit: service.auditOf(covered, window.start, window.end),
        databaseFile: deps.databaseFile,
        panels: deps.panels,
        query: deps.query,
        now: Date.now(),
      });
    },
    'incidents.suggestions': () => ({ suggestions: suggestIncidents(deps.alerts.firing(), service.list({ limit: 1000 })) }),
  };
}

export function incidentTopicHandlers(service: IncidentService): { 'incidents.subscribe': TopicHandler<'incidents.subscribe'> } {
  return {
    'incidents.subscribe': (_params, push) => service.subscribe((incident) => push({ incident })),
  };
}
