import type { SourceState } from '../../../shared/api/sources.js';

/** How a source stands after a failure: the state, the reason in words, and what to do. */
export interface SourceVerdict {
  state: SourceState;
  reason: string;
  remedy?: string;
}

/** The parts of an error that decide its verdict; works for Kubernetes, AWS and HTTP failures alike. */
export interface FailureFacts {
  /** HTTP status, 0 when no answer came. */
  status: number;
  /** Node's error code (ECONNREFUSED, ENOENT …) or the AWS error name (ExpiredTokenException …). */
  code?: string;
  reason?: string;
  message: string;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EINACTIVE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'TimeoutError',
]);

const expiredCodes = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);

/**
 * Classifies a failure for a person: "unreachable", "unauthorized", "expired credentials",
 * "plugin missing", each with the remedy that usually fixes it. `where` names the source
 * ("cluster shop-prod", "profile prod in eu-west-1").
 */
export function verdictFor(failure: FailureFacts, where: string, kind: 'kubernetes' | 'aws' | 'prometheus'): SourceVerdict {
  const { status, code, message } = failure;
  if (code === 'ENOENT') {
    return {
      state: 'unauthorized',
      reason: `Credential plugin missing: ${message}`,
      remedy:
        kind === 'kubernetes'
          ? 'Install the exec credential plugin this context names (aws, gke-gcloud-auth-plugin, kubelogin …) and make sure it is on the PATH Daytwo starts with.'
          : 'Install the missing tool and make sure it is on the PATH Daytwo starts with.',
    };
  }
  if (code === 'EPLUGIN') {
    return {
      state: 'unauthorized',
      reason: message,
      remedy: 'Run the credential plugin yourself (or `kubectl get ns` with this context) to see why it fails; often a fresh login (aws sso login, gcloud auth login) fixes it.',
    };
  }
  if (code === 'CredentialsProviderError') {
    return {
      state: 'unauthorized',
      reason: `No usable credentials for ${where}: ${message}`,
      remedy: 'Sign in (aws sso login --profile …), or give the profile keys, a role or a credential_process.',
    };
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/.test(code)) {
    return {
      state: 'error',
      reason: `${where} presented a certificate this connection does not trust (${code}).`,
      remedy: 'If the server’s CA changed, refresh the kubeconfig (aws eks update-kubeconfig, gcloud container clusters get-credentials …); Daytwo rereads it when the file changes.',
    };
  }
  if (code && expiredCodes.has(code)) {
    return {
      state: 'unauthorized',
      reason: `Expired credentials for ${where}.`,
      remedy: kind === 'aws' ? 'Sign in again (aws sso login --profile …) or refresh the keys in your credentials file.' : 'Sign in again to refresh the token.',
    };
  }
  if (status === 401) {
    return {
      state: 'unauthorized',
      reason: `${where} refused the credentials (401 Unauthorized): the token has probably expired or been revoked.`,
      remedy:
        kind === 'kubernetes'
          ? 'Refresh the credentials for this context (re-run your cloud CLI login, or update the token in the kubeconfig).'
          : kind === 'prometheus'
            ? 'Set a valid bearer token for this Prometheus in Daytwo’s settings.'
            : 'Refresh the credentials for this profile.',
    };
  }
  if (status === 403) {
    return {
      state: 'unauthorized',
      reason: `${where} denied access (403 Forbidden): ${message}`,
      remedy: 'Ask for read access (get, list, watch) to these resources, or use a context/profile that has it.',
    };
  }
  if (status === 0 && (!code || unreachableCodes.has(code))) {
    return {
      state: 'offline',
      reason: `${where} is unreachable: ${message}`,
      remedy: 'Check the network or VPN, and that the server address is right. Daytwo keeps retrying and shows the last known state meanwhile.',
    };
  }
  if (status === 429 || status >= 500) {
    return {
      state: 'degraded',
      reason: `${where} is answering with errors (${status || code}): ${message}`,
      remedy: 'Daytwo retries with backoff; if it persists, check the server’s health.',
    };
  }
  return {
    state: 'error',
    reason: `${where} failed: ${message}`,
    remedy: 'Check the configuration of this source.',
  };
}
