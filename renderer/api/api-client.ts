import { ApiError } from '../../shared/api/errors.js';
import type { ApiClient } from '../../shared/api/client.js';

let client: ApiClient | null = null;

/** Set once at start (and by tests); actions reach the engine through api(). */
export function setApiClient(next: ApiClient | null): void {
  client = next;
}

export function api(): ApiClient {
  if (!client) throw new ApiError('unavailable', 'Daytwo is not connected to its engine yet.');
  return client;
}

/** The sentence to show a person for any failure; API errors already carry one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
