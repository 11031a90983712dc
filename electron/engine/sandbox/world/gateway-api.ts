import { CRD_STORE_KEY, establishedStatus, type CustomResourceDefinition } from '../kube/custom-resources.js';
import type { ObjectStore } from '../kube/store.js';

/**
 * Gateway API's HTTPRoute, installed in every sandbox cluster as the standard channel's
 * CustomResourceDefinition installs it (gateway-api config/crd/standard/
 * gateway.networking.k8s.io_httproutes.yaml, v1.2): served at v1 (storage) and v1beta1, with
 * the schema's shape for what routes say — parentRefs, hostnames, and rules of matches,
 * filters, backendRefs (group, kind, name, namespace, port, weight) and timeouts — so kubectl's
 * strict field validation accepts an upstream manifest and refuses a misspelt field. The CEL
 * validations upstream carries are left out: the sandbox's API server does not evaluate CEL.
 */
export const GATEWAY_API_VERSION = 'v1.2.1';

const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
const int32 = (extra: Record<string, unknown> = {}) => ({ type: 'integer', format: 'int32', ...extra });
const list = (items: Record<string, unknown>, maxItems?: number) => ({ type: 'array', items, ...(maxItems ? { maxItems } : {}) });
const object = (properties: Record<string, unknown>, required?: string[]) => ({ type: 'object', properties, ...(required ? { required } : {}) });

const headerMatch = object({ type: str({ default: 'Exact', enum: ['Exact', 'RegularExpression'] }), name: str({ maxLength: 256, minLength: 1 }), value: str({ maxLength: 4096, minLength: 1 }) }, ['name', 'value']);
const headerModifier = object({
  add: list(object({ name: str(), value: str() }, ['name', 'value']), 16),
  remove: list(str(), 16),
  set: list(object({ name: str(), value: str() }, ['name', 'value']), 16),
});
const pathModifier = object({ type: str({ enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }), replaceFullPath: str(), replacePrefixMatch: str() }, ['type']);
const backendObjectReference = {
  group: str({ default: '', maxLength: 253 }),
  kind: str({ default: 'Service', maxLength: 63, minLength: 1 }),
  name: str({ maxLength: 253, minLength: 1 }),
  namespace: str({ maxLength: 63, minLength: 1 }),
  port: int32({ minimum: 1, maximum: 65535 }),
};
const filter = object(
  {
    type: str({ enum: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef'] }),
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    requestMirror: object({ backendRef: object(backendObjectReference, ['name']), percent: int32({ minimum: 0, maximum: 100 }), fraction: object({ numerator: int32({ minimum: 0 }), denominator: int32({ minimum: 1, default: 100 }) }, ['numerator']) }, ['backendRef']),
    requestRedirect: object({
      scheme: str({ enum: ['http', 'https'] }),
      hostname: str({ maxLength: 253, minLength: 1 }),
      path: pathModifier,
      port: int32({ minimum: 1, maximum: 65535 }),
      statusCode: { type: 'integer', default: 302, enum: [301, 302] },
    }),
    urlRewrite: object({ hostname: str({ maxLength: 253, minLength: 1 }), path: pathModifier }),
    extensionRef: object({ group: str(), kind: str(), name: str() }, ['group', 'kind', 'name']),
  },
  ['type'],
);
const parentRef = object(
  {
    group: str({ default: 'gateway.networking.k8s.io', maxLength: 253 }),
    kind: str({ default: 'Gateway', maxLength: 63, minLength: 1 }),
    namespace: str({ maxLength: 63, minLength: 1 }),
    name: str({ maxLength: 253, minLength: 1 }),
    sectionName: str({ maxLength: 253, minLength: 1 }),
    port: int32({ minimum: 1, maximum: 65535 }),
  },
  ['name'],
);
const condition = object(
  {
    type: str(),
    status: str({ enum: ['True', 'False', 'Unknown'] }),
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    lastTransitionTime: str({ format: 'date-time' }),
    reason: str(),
    message: str({ maxLength: 32768 }),
  },
  ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
);

const httpRouteSchema = object({
  apiVersion: str(),
  kind: str(),
  metadata: { type: 'object' },
  spec: object({
    parentRefs: list(parentRef, 32),
    hostnames: list(str({ maxLength: 253, minLength: 1 }), 16),
    rules: list(
      object({
        name: str({ maxLength: 253, minLength: 1 }),
        matches: list(
          object({
            path: object({ type: str({ default: 'PathPrefix', enum: ['Exact', 'PathPrefix', 'RegularExpression'] }), value: str({ default: '/', maxLength: 1024 }) }),
            headers: list(headerMatch, 16),
            queryParams: list(headerMatch, 16),
            method: str({ enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] }),
          }),
          64,
        ),
        filters: list(filter, 16),
        backendRefs: list(object({ ...backendObjectReference, weight: int32({ default: 1, minimum: 0, maximum: 1_000_000 }), filters: list(filter, 16) }, ['name']), 16),
        timeouts: object({ request: str(), backendRequest: str() }),
        sessionPersistence: object({ sessionName: str(), absoluteTimeout: str(), idleTimeout: str(), type: str({ enum: ['Cookie', 'Header'] }), cookieConfig: object({ lifetimeType: str({ enum: ['Permanent', 'Session'] }) }) }),
      }),
      16,
    ),
  }),
  status: object(
    {
      parents: list(
        object({ parentRef, controllerName: str({ maxLength: 253, minLength: 1 }), conditions: list(condition, 8) }, ['controllerName', 'parentRef']),
        32,
      ),
    },
    ['parents'],
  ),
}, ['spec']);

const printerColumns = [
  { jsonPath: '.spec.hostnames', name: 'Hostnames', type: 'string' },
  { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

export function httpRouteCrd(now: number): CustomResourceDefinition {
  const version = (name: string, storage: boolean) => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: httpRouteSchema },
    subresources: { status: {} },
    additionalPrinterColumns: printerColumns,
  });
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'httproutes.gateway.networking.k8s.io',
      annotations: { 'gateway.networking.k8s.io/bundle-version': GATEWAY_API_VERSION, 'gateway.networking.k8s.io/channel': 'standard' },
      // Fixed, so installing it draws nothing from the cluster's seeded random (the estate's names stay as they were).
      uid: '6a7e0c55-9d1f-4f5b-8c3e-9b7a2f1d4e01',
      // Filled in by the store on create, as the API server fills them.
      resourceVersion: '',
      creationTimestamp: '',
    },
    spec: {
      group: 'gateway.networking.k8s.io',
      scope: 'Namespaced',
      names: { plural: 'httproutes', singular: 'httproute', kind: 'HTTPRoute', listKind: 'HTTPRouteList', categories: ['gateway-api'] },
      versions: [version('v1', true), version('v1beta1', false)],
    },
  };
  crd.status = establishedStatus(crd, new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return crd;
}

export function installGatewayApi(store: ObjectStore, now: number): void {
  if (!store.get(CRD_STORE_KEY, undefined, 'httproutes.gateway.networking.k8s.io')) store.create(CRD_STORE_KEY, httpRouteCrd(now));
}
