import { ApiError } from '../../../../shared/api/errors.js';

/**
 * A failed call to a Kubernetes API server, and the one mapping from it to what a person
 * reads. `status` is the HTTP status, or 0 when the server never answered (refused, reset,
 * timed out, DNS). `code` is the Node error code when there is one (ENOENT from a missing
 * exec credential plugin, ECONNREFUSED …), `reason` the `reason` of a Kubernetes Status body
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/).
 */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    /** The `reason` of a Kubernetes Status body (Expired, Forbidden, Unauthorized …). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** A non-2xx answer: the Status body's message and reason when it has one. */
export function statusError(status: number, body: string): KubeApiError {
  let message = `HTTP ${status}`;
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message.slice(0, 500);
    if (typeof parsed.reason === 'string') reason = parsed.reason;
  } catch {
    // Not a Status body (a proxy's HTML page, say): the HTTP status says enough.
  }
  return new KubeApiError(message, status, undefined, reason);
}

/** A request that got no answer: refused, reset, timed out. */
export function networkError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new KubeApiError(error instanceof Error ? error.message : String(error), 0, code);
}

/**
 * Credentials that could not be produced (client-node's applyToHTTPSOptions failed): ENOENT
 * when the exec credential plugin is not installed, otherwise the first line of what it said.
 * Every client reports this alike, so a missing `aws` or `kubelogin` reads the same in the
 * source list and in a plan.
 */
export function credentialError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const errno = error as NodeJS.ErrnoException & { path?: string };
  if (errno.code === 'ENOENT') {
    const command = errno.path ?? errno.message.replace(/^spawn\s+/, '').replace(/\s+ENOENT$/, '');
    return new KubeApiError(`The credential plugin "${command}" is not installed or not on PATH.`, 0, 'ENOENT');
  }
  const firstLine = (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
  return new KubeApiError(`The credential plugin failed: ${firstLine.slice(0, 200)}`, 0, 'EPLUGIN');
}

/** True when the server may never have seen the request (or its answer was lost): safe to retry an idempotent write. */
export function isConnectionError(error: unknown): boolean {
  return error instanceof KubeApiError && (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504);
}

/**
 * A Kubernetes failure as an API error a person can act on. `where` names the way in
 * ('context "shop-prod" as admin'), `what` the object ("Deployment shop/web"). The status
 * decides the code; the Status reason refines the words where it says more than the status
 * (Expired on a 410, AlreadyExists vs Conflict on a 409, a webhook's refusal on a 400/422).
 */
export function kubeApiErrorToApiError(error: KubeApiError, where: string, what = 'the object'): ApiError {
  if (error.status === 0) {
    if (error.code === 'ENOENT' || error.code === 'EPLUGIN') {
      return new ApiError('unauthorized', `No credentials for ${where}: ${error.message}`);
    }
    return new ApiError('unavailable', `Cannot reach the API server of ${where}: ${error.message}`);
  }
  switch (error.status) {
    case 401:
      return new ApiError('unauthorized', `The API server of ${where} did not accept the credentials (the token may have expired): ${error.message}`);
    case 403:
      return new ApiError('forbidden', `The API server of ${where} refused: ${error.message}. Nothing was changed.`);
    case 404:
      return new ApiError('not_found', `${what} was not found on ${where}: ${error.message}`);
    case 409:
      return error.reason === 'AlreadyExists'
        ? new ApiError('conflict', `${what} already exists on ${where}: ${error.message}`)
        : new ApiError('conflict', `${what} changed on ${where} while Daytwo was working on it; plan again: ${error.message}`);
    case 410:
      return new ApiError('conflict', `${where} no longer has that version (${error.reason ?? 'Gone'}); reload and try again: ${error.message}`);
    case 400:
    case 422:
      return new ApiError('bad_request', `The API server of ${where} refused the change (${error.reason ?? 'Invalid'}): ${error.message}`);
    case 429:
      return new ApiError('unavailable', `The API server of ${where} is throttling requests (429); try again shortly: ${error.message}`);
    default:
      return new ApiError('unavailable', `The API server of ${where} answered ${error.status}${error.reason ? ` (${error.reason})` : ''}: ${error.message}`);
  }
}
