import { z } from 'zod';
import { errorCodes } from './error-body.js';

/**
 * Every failure that crosses the API is one of these codes (error-body.ts) with a message a
 * person can act on. Transports map codes to their own status (HTTP status in host mode).
 */
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** For bad_request: which field failed, as a dotted path. */
  field: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const httpStatusFor: Record<ErrorCode, number> = {
  bad_request: 400,
  unknown_method: 404,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/** Turns a zod failure into one sentence naming the first offending field. */
export function describeValidationError(error: z.ZodError, what: string): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('bad_request', `Invalid ${what}.`);
  const field = issue.path.map(String).join('.');
  const where = field === '' ? what : `${what} field "${field}"`;
  return new ApiError('bad_request', `Invalid ${where}: ${issue.message}`, field || undefined);
}
