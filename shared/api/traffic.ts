import { z } from 'zod';
import { mutation, query } from './define.js';
import { Plan } from './operations.js';

/**
 * Traffic routes in front of a service, and "send everything back to stable" (issue 18). A
 * route is an HTTPRoute rule or an NGINX canary Ingress pair; shifting it is the
 * `traffic-split` operation (shared/api/operations.ts), planned like any other.
 */

const EntityId = z.string().min(5).max(600).startsWith('k8s:', 'Traffic routes are Kubernetes objects (ids start with "k8s:").');

export const TrafficBackend = z.object({
  /** The Service's name, as the route names it. */
  service: z.string(),
  /** Its estate id (k8s:<cluster>/<namespace>/Service/<name>). */
  serviceId: z.string(),
  weight: z.number(),
  /** Fraction of the route's requests its weight gives it, 0..1. */
  share: z.number(),
  /** The backend "all to stable" sends everything to. */
  stable: z.boolean(),
});
export type TrafficBackend = z.infer<typeof TrafficBackend>;

export const TrafficRoute = z.object({
  /** The traffic-split operation's target: the HTTPRoute, or the canary Ingress of the pair. */
  target: z.string(),
  kind: z.enum(['HTTPRoute', 'Ingress']),
  name: z.string(),
  namespace: z.string(),
  /** The HTTPRoute rule (0 for a canary pair). */
  rule: z.number(),
  /** "HTTPRoute shop/storefront, rule 0" or "NGINX canary shop/storefront-canary → storefront". */
  title: z.string(),
  backends: z.array(TrafficBackend),
  /** A canary pair's canary-weight-total; null for an HTTPRoute (its weights are relative). */
  total: z.number().nullable(),
  /** Epoch ms the estate last confirmed the route. */
  observedAt: z.number(),
  /**
   * PromQL for the backends' request and 5xx rates, one series per Service (label `service`),
   * for metrics.query on `source`; null when no metrics source covers the backends.
   */
  charts: z.object({ source: z.string(), requests: z.string(), errors: z.string() }).nullable(),
});
export type TrafficRoute = z.infer<typeof TrafficRoute>;

export const trafficMethods = {
  'traffic.routes': query(
    'The traffic routes (HTTPRoute rules, NGINX canary pairs) that send requests to these entities (Services, or the workloads Services select), from the estate.',
    z.object({ entityIds: z.array(EntityId).min(1).max(50) }).strict(),
    z.object({ routes: z.array(TrafficRoute) }),
  ),
  'traffic.allToStable': mutation(
    "Plan sending all of a route's traffic to its stable backend: a traffic-split plan, confirmed and executed as any other.",
    z
      .object({
        target: EntityId,
        rule: z.number().int().min(0).max(63).optional(),
        context: z.string().min(1).max(253).optional(),
      })
      .strict(),
    z.object({ plan: Plan }),
  ),
};
