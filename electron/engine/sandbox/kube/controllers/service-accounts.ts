import type { Change } from '../store.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';

/**
 * The service account controller: every namespace has a `default` ServiceAccount, created
 * when the namespace is and re-created if deleted, so pods that name none can run.
 * https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#serviceaccount-controller
 */
export class ServiceAccountController implements Controller {
  private readonly queue = new WorkQueue();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'namespaces' && change.type !== 'DELETED') this.queue.add(undefined, change.object.metadata.name);
    if (change.resource === 'serviceaccounts' && change.type === 'DELETED' && change.object.metadata.name === 'default') {
      this.queue.add(undefined, change.object.metadata.namespace ?? '');
    }
  }

  sync(): boolean {
    let changed = false;
    const { store } = this.ctx;
    for (const { name } of this.queue.drain()) {
      const ns = store.get('namespaces', undefined, name);
      if (!ns || ns.metadata.deletionTimestamp || store.get('serviceaccounts', name, 'default')) continue;
      store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name, uid: '', resourceVersion: '', creationTimestamp: '' } });
      changed = true;
    }
    return changed;
  }
}
