import { z } from 'zod';

/**
 * One API method: the schemas its parameters and result must satisfy, and whether it changes
 * anything (host mode started --read-only refuses every method that does).
 */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly params: P;
  readonly result: R;
  readonly mutates: boolean;
  readonly summary: string;
}

/** A subscription: parameters to open it, and the schema of each message it pushes. */
export interface TopicSpec<P extends z.ZodType = z.ZodType, M extends z.ZodType = z.ZodType> {
  readonly params: P;
  readonly message: M;
  readonly summary: string;
}

export function query<P extends z.ZodType, R extends z.ZodType>(
  summary: string,
  params: P,
  result: R,
): MethodSpec<P, R> {
  return { params, result, mutates: false, summary };
}

export function mutation<P extends z.ZodType, R extends z.ZodType>(
  summary: string,
  params: P,
  result: R,
): MethodSpec<P, R> {
  return { params, result, mutates: true, summary };
}

export function topic<P extends z.ZodType, M extends z.ZodType>(
  summary: string,
  params: P,
  message: M,
): TopicSpec<P, M> {
  return { params, message, summary };
}

/** An empty parameter object; unknown keys are refused so typos surface. */
export const NoParams = z.object({}).strict();
