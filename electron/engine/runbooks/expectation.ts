import { ApiError } from '../../../shared/api/errors.js';
import type { Comparison } from '../../../shared/api/runbooks.js';

/** A check's expectation, "< 0.02" or ">= 1", after its parameters are filled. */
export interface Expectation {
  op: Comparison;
  value: number;
  text: string;
}

export function parseExpectation(text: string): Expectation {
  const m = /^\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?)\s*$/i.exec(text);
  if (!m) throw new ApiError('bad_request', `A check expects a comparison and a number, like "< 0.02"; "${text}" is not one.`);
  return { op: m[1] as Comparison, value: Number(m[2]), text: `${m[1]} ${m[2]}` };
}

export function compare(value: number, e: Expectation): boolean {
  switch (e.op) {
    case '<':
      return value < e.value;
    case '<=':
      return value <= e.value;
    case '>':
      return value > e.value;
    case '>=':
      return value >= e.value;
    case '==':
      return value === e.value;
    case '!=':
      return value !== e.value;
  }
}
