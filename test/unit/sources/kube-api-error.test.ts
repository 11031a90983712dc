import { describe, expect, it } from 'vitest';
import { credentialError, KubeApiError, kubeApiErrorToApiError, statusError } from '../../../electron/engine/providers/kubernetes/api-error.js';

const where = 'context "shop-prod"';

describe('one mapping from Kubernetes failures to errors a person can act on', () => {
  it('reads the Status body the API server sends', () => {
    const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'deployments.apps "web" is forbidden: User "viewer" cannot patch' });
    const error = statusError(403, body);
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden', message: expect.stringContaining('cannot patch') });
    expect(kubeApiErrorToApiError(error, where, 'Deployment shop/web')).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Nothing was changed') });
  });

  it('tells a missing credential plugin from an unreachable server', () => {
    const missing = credentialError(Object.assign(new Error('spawn kubelogin ENOENT'), { code: 'ENOENT', path: 'kubelogin' }));
    expect(missing).toMatchObject({ status: 0, code: 'ENOENT', message: 'The credential plugin "kubelogin" is not installed or not on PATH.' });
    expect(kubeApiErrorToApiError(missing, where).code).toBe('unauthorized');
    expect(kubeApiErrorToApiError(new KubeApiError('connect ECONNREFUSED', 0, 'ECONNREFUSED'), where).code).toBe('unavailable');
  });

  it('maps each status to a code, and the Status reason refines the words', () => {
    expect(kubeApiErrorToApiError(statusError(401, '{}'), where).code).toBe('unauthorized');
    expect(kubeApiErrorToApiError(statusError(404, '{"reason":"NotFound","message":"not found"}'), where, 'Pod shop/a')).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/^Pod shop\/a was not found/),
    });
    expect(kubeApiErrorToApiError(statusError(409, '{"reason":"AlreadyExists","message":"exists"}'), where).message).toMatch(/already exists/);
    expect(kubeApiErrorToApiError(statusError(409, '{"reason":"Conflict","message":"modified"}'), where).message).toMatch(/plan again/);
    expect(kubeApiErrorToApiError(statusError(422, '{"reason":"Invalid","message":"spec.replicas: Invalid value"}'), where)).toMatchObject({ code: 'bad_request' });
    expect(kubeApiErrorToApiError(statusError(429, 'Too many requests'), where)).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/throttling/) });
    expect(kubeApiErrorToApiError(statusError(503, '<html>bad gateway</html>'), where)).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/answered 503: HTTP 503/) });
  });
});
