// Regenerates electron/engine/sandbox/kube/openapi/definitions.json: the schemas of the kinds
// the sandbox's API server serves, with their field descriptions, taken from the Kubernetes
// OpenAPI document as @kubernetes/client-node ships it (its generated models carry each
// field's type and doc comment). Run after upgrading client-node or adding a kind:
//   node scripts/generate-sandbox-openapi.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const models = join(dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist/gen/models');
const out = new URL('../electron/engine/sandbox/kube/openapi/definitions.json', import.meta.url);

/** Root kinds by group/version/kind → client-node class. Keep in step with kube/resources.ts. */
const ROOTS = [
  ['', 'v1', 'Namespace'], ['', 'v1', 'Node'], ['', 'v1', 'Pod'], ['', 'v1', 'Service'], ['', 'v1', 'Endpoints'],
  ['', 'v1', 'Event', 'CoreV1Event'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'ServiceAccount'], ['', 'v1', 'Secret'],
  ['', 'v1', 'PersistentVolumeClaim'], ['', 'v1', 'PersistentVolume'],
  ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'ReplicaSet'], ['apps', 'v1', 'StatefulSet'], ['apps', 'v1', 'DaemonSet'], ['apps', 'v1', 'ControllerRevision'],
  ['networking.k8s.io', 'v1', 'Ingress'], ['networking.k8s.io', 'v1', 'IngressClass'], ['networking.k8s.io', 'v1', 'NetworkPolicy'],
  ['batch', 'v1', 'Job'], ['batch', 'v1', 'CronJob'],
  ['discovery.k8s.io', 'v1', 'EndpointSlice'],
  ['rbac.authorization.k8s.io', 'v1', 'Role'], ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'], ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
  ['storage.k8s.io', 'v1', 'StorageClass'],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler'], ['policy', 'v1', 'PodDisruptionBudget'],
];

/** Class → definition name as the API server names it: V1DeploymentSpec → DeploymentSpec. */
const names = new Map();
const taken = new Set();
function definitionName(cls) {
  if (names.has(cls)) return names.get(cls);
  let short = cls.replace(/^(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '');
  if (!short || taken.has(short)) short = cls;
  taken.add(short);
  names.set(cls, short);
  return short;
}

function parseDoc(cls) {
  const text = readFileSync(join(models, `${cls}.d.ts`), 'utf8');
  const classDoc = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*\nexport declare class/.exec(text)?.[1];
  const clean = (doc) => doc?.split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ').trim();
  const fields = {};
  const required = [];
  const re = /(?:\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*\n)?\s*'([^']+)'(\?)?:/g;
  for (let m; (m = re.exec(text)); ) {
    fields[m[2]] = clean(m[1]);
    if (!m[3]) required.push(m[2]);
  }
  return { description: clean(classDoc), fields, required };
}

const definitions = {};

/** Types the models name but do not define: they are strings on the wire. */
const PRIMITIVE_MODELS = { V1MicroTime: { type: 'string', format: 'date-time' } };

function loadTypeMap(cls) {
  const text = readFileSync(join(models, `${cls}.js`), 'utf8');
  const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(text);
  return m ? JSON.parse(m[1]) : [];
}

function schemaFor(type, format) {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: schemaFor(array[1], '') };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaFor(map[1], '') };
  switch (type) {
    case 'string':
      return { type: 'string', ...(format ? { format } : {}) };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return format === 'double' ? { type: 'number', format } : { type: 'integer', format: format || 'int32' };
    case 'IntOrString':
      return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    default:
      if (PRIMITIVE_MODELS[type]) return PRIMITIVE_MODELS[type];
      return { $ref: `#/definitions/${visit(type)}` };
  }
}

function visit(cls) {
  const name = definitionName(cls);
  if (definitions[name]) return name;
  definitions[name] = {};
  const doc = parseDoc(cls);
  const properties = {};
  for (const a of loadTypeMap(cls)) {
    const s = schemaFor(a.type, a.format);
    const description = doc.fields[a.name];
    properties[a.baseName] = description ? { ...s, description } : s;
  }
  definitions[name] = { ...(doc.description ? { description: doc.description } : {}), type: 'object', ...(doc.required.length ? { required: doc.required } : {}), properties };
  return name;
}

const roots = {};
for (const [group, version, kind, cls] of ROOTS) {
  const name = visit(cls ?? `${version[0].toUpperCase()}${version.slice(1)}${kind}`);
  definitions[name]['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  roots[`${group}/${version}/${kind}`] = name;
}

writeFileSync(out, `${JSON.stringify({ roots, definitions })}\n`);
console.log(`${Object.keys(definitions).length} definitions, ${Object.keys(roots).length} kinds → ${out.pathname}`);
