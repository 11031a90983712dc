/** What a masked value reads as: clearly not the value, and the same length for every key. */
export const maskedValue = '••••••••';

/**
 * A Secret with its values replaced, keys kept: the operator sees which keys exist without
 * the values landing on a screen, in a screenshot or in a copied YAML
 * (https://kubernetes.io/docs/concepts/security/secrets-good-practices/). The last-applied
 * annotation holds the whole manifest, values included, so it is masked too.
 */
export function maskSecret(object: Record<string, unknown>): { masked: Record<string, unknown>; keys: string[] } {
  const keys: string[] = [];
  const masked: Record<string, unknown> = { ...object };
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field];
    if (!values || typeof values !== 'object') continue;
    masked[field] = Object.fromEntries(
      Object.keys(values).map((key) => {
        keys.push(key);
        return [key, maskedValue];
      }),
    );
  }
  const metadata = object['metadata'] as { annotations?: Record<string, string> } | undefined;
  const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
  if (metadata?.annotations?.[lastApplied] !== undefined) {
    masked['metadata'] = { ...metadata, annotations: { ...metadata.annotations, [lastApplied]: maskedValue } };
  }
  return { masked, keys: [...new Set(keys)].sort() };
}
