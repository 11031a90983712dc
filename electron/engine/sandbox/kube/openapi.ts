import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import { customSchema } from './custom-resources.js';
import generated from './openapi/definitions.json' with { type: 'json' };
import { mergeKeyFor } from './patch.js';
import { type ResourceType, groupVersion } from './resources.js';
import type { ObjectStore } from './store.js';

/**
 * The OpenAPI documents kube-apiserver publishes (https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-interface-definition),
 * for the kinds a sandbox cluster serves: `/openapi/v2` (JSON, or the gnostic protobuf that
 * kubectl asks for) and `/openapi/v3` with one document per group-version. kubectl needs them
 * for `explain`, for client-side apply's patch computation, and to learn that the server
 * validates fields itself (the `fieldValidation` query parameter on PATCH), after which plain
 * `kubectl apply -f` sends `fieldValidation=Strict` instead of validating locally.
 *
 * The schemas come from openapi/definitions.json, generated from the Kubernetes OpenAPI
 * document that @kubernetes/client-node ships (scripts/generate-sandbox-openapi.mjs); custom
 * resources use the schema their CRD declares.
 */

export type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  required?: string[];
};

const DEFINITIONS = generated.definitions as unknown as Record<string, Schema>;
const ROOTS = generated.roots as Record<string, string>;

// Strategic merge's list semantics, published as the API server does so client-side apply
// computes patches that merge containers by name rather than replacing the list.
for (const [name, def] of Object.entries(DEFINITIONS)) {
  for (const [field, prop] of Object.entries(def.properties ?? {})) {
    if (prop.type !== 'array' || !prop.items?.$ref) continue;
    const key = mergeKeyFor(field, name === 'Container' || name === 'EphemeralContainer' ? 'containers' : undefined);
    if (key) Object.assign(prop, { 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] });
  }
}

const QUERY = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMETERS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'),
];

function rootName(r: ResourceType): string | undefined {
  return ROOTS[`${r.group}/${r.version}/${r.kind}`];
}

/** Definition names reachable from `names` through $refs. */
function reachable(names: Iterable<string>, definitions: Record<string, Schema>): Set<string> {
  const seen = new Set<string>();
  const stack = [...names];
  while (stack.length) {
    const name = stack.pop() as string;
    if (seen.has(name) || !definitions[name]) continue;
    seen.add(name);
    const text = JSON.stringify(definitions[name]);
    for (const m of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) stack.push(m[1] as string);
  }
  return seen;
}

function customName(r: ResourceType): string {
  return `${r.group.split('.').reverse().join('.')}.${r.version}.${r.kind}`;
}

/** A CRD's schema as a definition: its own fields, with metadata and apiVersion/kind as for any kind. */
function customDefinition(store: ObjectStore, r: ResourceType): Schema {
  const declared = (customSchema(store, r) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Schema;
  return {
    ...declared,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { $ref: '#/definitions/ObjectMeta', description: "Standard object's metadata." },
      ...declared.properties,
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.kind, version: r.version }],
  };
}

function definitionsFor(store: ObjectStore, resources: readonly ResourceType[]): { definitions: Record<string, Schema>; names: Map<ResourceType, string> } {
  const definitions: Record<string, Schema> = { ...DEFINITIONS };
  const names = new Map<ResourceType, string>();
  for (const r of resources) {
    if (!r.stored) continue;
    const name = r.custom ? customName(r) : rootName(r);
    if (!name) continue;
    if (r.custom) definitions[name] = customDefinition(store, r);
    names.set(r, name);
  }
  return { definitions, names };
}

function pathsFor(resources: Iterable<[ResourceType, string]>, ref: (name: string) => string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [r, name] of resources) {
    const prefix = r.group === '' ? '/api/v1' : `/apis/${groupVersion(r)}`;
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const body = { content: { 'application/json': { schema: { $ref: ref(name) } } } };
    const ok = { responses: { '200': body } };
    const op = (action: string, verb: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${verb}${r.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...ok,
      ...extra,
    });
    paths[collection] = { get: op('list', 'list'), post: op('post', 'create', { parameters: WRITE_PARAMETERS, requestBody: body }) };
    paths[`${collection}/{name}`] = {
      get: op('get', 'read'),
      put: op('put', 'replace', { parameters: WRITE_PARAMETERS, requestBody: body }),
      patch: op('patch', 'patch', { parameters: [...WRITE_PARAMETERS, QUERY('force', 'Force is going to "force" Apply requests.')], requestBody: { content: { 'application/apply-patch+yaml': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/strategic-merge-patch+json': { schema: { type: 'object' } } } } }),
      delete: op('delete', 'delete'),
    };
  }
  return paths;
}

/** A v2 definition rewritten for v3: refs point into components, and a ref beside a description is wrapped in allOf, as kube-openapi does. */
function toV3(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, toV3(v)]));
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = toV3(value as Schema);
    else if (key === 'allOf') out.allOf = (value as Schema[]).map(toV3);
    else out[key] = value;
  }
  if (schema.$ref) {
    const ref = schema.$ref.replace('#/definitions/', '#/components/schemas/');
    if (Object.keys(out).length === 0) return { $ref: ref };
    out.allOf = [{ $ref: ref }];
  }
  return out;
}

export function openApiV2(store: ObjectStore, resources: readonly ResourceType[], version: string): Record<string, unknown> {
  const { definitions } = definitionsFor(store, resources);
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths: {}, definitions };
}

function groupVersionKey(r: ResourceType): string {
  return r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`;
}

export function openApiV3GroupVersion(store: ObjectStore, resources: readonly ResourceType[], key: string, version: string): Record<string, unknown> | undefined {
  const inGroup = resources.filter((r) => r.stored && groupVersionKey(r) === key);
  if (inGroup.length === 0) return undefined;
  const { definitions, names } = definitionsFor(store, inGroup);
  const served = [...names].filter(([r]) => inGroup.includes(r));
  const schemas: Record<string, Schema> = {};
  for (const name of reachable(served.map(([, n]) => n), definitions)) schemas[name] = toV3(definitions[name] as Schema);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version },
    paths: pathsFor(served, (name) => `#/components/schemas/${name}`),
    components: { schemas },
  };
}

export function openApiV3Index(store: ObjectStore, resources: readonly ResourceType[], version: string): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of new Set(resources.filter((r) => r.stored).map(groupVersionKey))) {
    const doc = openApiV3GroupVersion(store, resources, key, version);
    if (!doc) continue;
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

// --- gnostic protobuf (github.com/google/gnostic openapiv2/OpenAPIv2.proto) -----------------
// kubectl and client-go request /openapi/v2 as protobuf only; this encodes the subset of the
// Document and Schema messages the definitions use.

class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 127) {
      bytes.push((v & 127) | 128);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  bytes(field: number, value: Buffer): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string | undefined): this {
    return value === undefined || value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }

  bool(field: number, value: boolean): this {
    this.varint(field << 3);
    this.varint(value ? 1 : 0);
    return this;
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** NamedAny { name = 1; Any value = 2 } with Any { yaml = 2 }: how gnostic carries vendor extensions. */
function vendorExtension(name: string, value: unknown): ProtoWriter {
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().string(2, yaml.dump(value)));
}

function encodeSchema(s: Schema): ProtoWriter {
  const w = new ProtoWriter();
  w.string(1, s.$ref).string(2, s.format as string | undefined).string(4, s.description as string | undefined);
  for (const r of s.required ?? []) w.string(19, r);
  if (s.additionalProperties !== undefined) {
    const item = typeof s.additionalProperties === 'boolean' ? new ProtoWriter().bool(2, s.additionalProperties) : new ProtoWriter().message(1, encodeSchema(s.additionalProperties));
    w.message(21, item);
  }
  if (s.type) w.message(22, new ProtoWriter().string(1, s.type));
  if (s.items) w.message(23, new ProtoWriter().message(1, encodeSchema(s.items)));
  for (const a of s.allOf ?? []) w.message(24, encodeSchema(a));
  if (s.properties) {
    const props = new ProtoWriter();
    for (const [name, p] of Object.entries(s.properties)) props.message(1, new ProtoWriter().string(1, name).message(2, encodeSchema(p)));
    w.message(25, props);
  }
  for (const [key, value] of Object.entries(s)) if (key.startsWith('x-')) w.message(31, vendorExtension(key, value));
  return w;
}

export function openApiV2Protobuf(doc: Record<string, unknown>): Buffer {
  const info = doc.info as { title: string; version: string };
  const definitions = new ProtoWriter();
  for (const [name, schema] of Object.entries(doc.definitions as Record<string, Schema>)) {
    definitions.message(1, new ProtoWriter().string(1, name).message(2, encodeSchema(schema)));
  }
  return new ProtoWriter()
    .string(1, '2.0')
    .message(2, new ProtoWriter().string(1, info.title).string(2, info.version))
    .message(8, new ProtoWriter())
    .message(9, definitions)
    .finish();
}
