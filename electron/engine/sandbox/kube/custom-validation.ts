import type { ResourceType } from './resources.js';
import { customSchema } from './custom-resources.js';
import { invalid } from './status.js';
import type { StatusCause } from './status.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

/**
 * Validation of a custom object against its CRD's structural schema, as kube-apiserver's
 * apiextensions server does on every create and update
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation):
 * `type`, `enum` and `required`, with its messages ("Unsupported value", "Required value"),
 * so a FeatureFlag with `state: MAYBE` is refused here as on a cluster. Unknown fields are the
 * field-validation check's business (openapi.ts unknownFields); metadata is the API server's.
 */

interface Schema {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export function validateCustomObject(store: ObjectStore, r: ResourceType, obj: KubeObject): void {
  if (!r.custom) return;
  const root = customSchema(store, r) as Schema | undefined;
  if (!root) return;
  const causes: StatusCause[] = [];
  const walk = (value: unknown, schema: Schema, path: string): void => {
    if (causes.length >= 20) return;
    if (value === null) {
      if (!schema.nullable && schema.type) causes.push({ field: path, reason: 'FieldValueTypeInvalid', message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"` });
      return;
    }
    const actual = Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
    const typeOk =
      !schema.type ||
      schema['x-kubernetes-int-or-string'] ||
      schema.type === actual ||
      (schema.type === 'number' && actual === 'integer');
    if (!typeOk) {
      causes.push({ field: path, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"` });
      return;
    }
    if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
      causes.push({ field: path, reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}` });
    }
    if (Array.isArray(value)) {
      if (schema.items) value.forEach((v, i) => walk(v, schema.items!, `${path}[${i}]`));
      return;
    }
    if (typeof value !== 'object' || (schema['x-kubernetes-preserve-unknown-fields'] === true && !schema.properties)) return;
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) causes.push({ field: path ? `${path}.${key}` : key, reason: 'FieldValueRequired', message: 'Required value' });
    }
    for (const [key, v] of Object.entries(record)) {
      if (!path && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
      const field = path ? `${path}.${key}` : key;
      const declared = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (declared) walk(v, declared, field);
    }
  };
  walk(obj, root, '');
  if (causes.length) throw invalid(r.kind, r.group, obj.metadata.name, causes);
}
