import { errors } from './protocol.js';

/**
 * A small subset of CloudWatch metric math: arithmetic on other queries' series and numbers,
 * and SUM/AVG/MIN/MAX over METRICS() or [a, b, ...]. Enough for the common "error rate" and
 * "total across load balancers" expressions.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */

/** A series: timestamp (ms) → value. */
export type Series = Map<number, number>;
type Value = number | Series | Series[];

export function evaluateExpression(expression: string, id: string, resolve: (ref: string) => Series | undefined, all: () => Series[]): Series {
  const tokens = tokenize(expression, id);
  let pos = 0;
  const fail = (what: string): never => {
    throw errors.validation(`Error in expression ${id}: ${what}`);
  };
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const t = tokens[pos++];
    if (t === undefined || (expected !== undefined && t !== expected)) fail(expected ? `expected "${expected}"` : 'unexpected end of expression');
    return t as string;
  };

  const primary = (): Value => {
    const t = take();
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (t === '-') return combine(0, primary(), (a, b) => a - b);
    if (t === '[') {
      const list: Series[] = [];
      while (peek() !== ']') {
        const v = sum();
        if (!(v instanceof Map)) fail('a list may only hold series');
        list.push(v as Series);
        if (peek() === ',') take(',');
      }
      take(']');
      return list;
    }
    if (/^\d/.test(t)) return Number(t);
    if (peek() === '(') {
      take('(');
      const fn = t.toUpperCase();
      if (fn === 'METRICS') {
        take(')');
        return all();
      }
      const arg = sum();
      take(')');
      const list = Array.isArray(arg) ? arg : arg instanceof Map ? [arg] : fail(`${fn} needs series`);
      const reducers: Record<string, (values: number[]) => number> = {
        SUM: (v) => v.reduce((a, b) => a + b, 0),
        AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
        MIN: (v) => Math.min(...v),
        MAX: (v) => Math.max(...v),
      };
      const reduce = reducers[fn] ?? fail(`unsupported function ${fn}`);
      return reduceAcross(list as Series[], reduce);
    }
    return resolve(t) ?? fail(`unknown metric id "${t}"`);
  };
  const product = (): Value => {
    let left = primary();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      const right = primary();
      left = combine(left, right, op === '*' ? (a, b) => a * b : (a, b) => (b === 0 ? NaN : a / b));
    }
    return left;
  };
  const sum = (): Value => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const right = product();
      left = combine(left, right, op === '+' ? (a, b) => a + b : (a, b) => a - b);
    }
    return left;
  };

  const result = sum();
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]}"`);
  if (!(result instanceof Map)) fail('the expression must produce a single time series');
  return result as Series;
}

function tokenize(expression: string, id: string): string[] {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/()[\],]|\S/g) ?? [];
  for (const t of tokens) {
    if (!/^(\d+(\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/()[\],])$/.test(t)) {
      throw errors.validation(`Error in expression ${id}: unexpected character "${t}"`);
    }
  }
  return tokens;
}

function combine(a: Value, b: Value, op: (x: number, y: number) => number): Value {
  if (Array.isArray(a) || Array.isArray(b)) throw errors.validation('Arithmetic on a list of series is not supported here.');
  if (typeof a === 'number' && typeof b === 'number') return op(a, b);
  const out: Series = new Map();
  if (a instanceof Map && b instanceof Map) {
    for (const [t, x] of a) {
      const y = b.get(t);
      if (y !== undefined) out.set(t, op(x, y));
    }
  } else if (a instanceof Map) {
    for (const [t, x] of a) out.set(t, op(x, b as number));
  } else {
    for (const [t, y] of b as Series) out.set(t, op(a, y));
  }
  return out;
}

function reduceAcross(list: Series[], reduce: (values: number[]) => number): Series {
  const byTime = new Map<number, number[]>();
  for (const series of list) {
    for (const [t, v] of series) {
      const values = byTime.get(t) ?? [];
      values.push(v);
      byTime.set(t, values);
    }
  }
  const out: Series = new Map();
  for (const [t, values] of byTime) out.set(t, reduce(values));
  return out;
}
