/** Resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/). */

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

export function parseQuantity(text: string | number | undefined): number {
  if (text === undefined) return 0;
  if (typeof text === 'number') return text;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!m) return NaN;
  const factor = SUFFIX[m[2] as string];
  return factor === undefined ? NaN : Number(m[1]) * factor;
}

export function cpuMilli(text: string | undefined): number {
  return Math.round(parseQuantity(text) * 1000);
}

export function memoryMi(text: string | undefined): number {
  return parseQuantity(text) / 1024 ** 2;
}

export function formatCpu(milli: number): string {
  return `${Math.max(0, Math.round(milli))}m`;
}

/** metrics-server reports memory in Ki. */
export function formatMemoryKi(mi: number): string {
  return `${Math.max(0, Math.round(mi * 1024))}Ki`;
}
