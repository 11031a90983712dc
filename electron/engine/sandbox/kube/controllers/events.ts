import type { ObjectStore } from '../store.js';
import { rfc3339 } from '../time.js';
import type { EventObject, KubeObject } from '../types.js';

/**
 * core/v1 Events as components record them: the same reason and message on the same object
 * bump `count` and `lastTimestamp` instead of adding a row (client-go's EventCorrelator), and
 * old events expire, as the API server's event TTL does, so memory stays bounded.
 */

const MAX_EVENTS = 4000;

export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private readonly order: { key: string; namespace: string; name: string }[] = [];
  private counter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
  ) {}

  record(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    options: { host?: string; fieldPath?: string; at?: number } = {},
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid}|${reason}|${message}|${options.fieldPath ?? ''}`;
    // `at`: a replayed incident stamps each event with its scheduled time, not with when the timer fired.
    const at = options.at ?? this.now();
    const time = rfc3339(at);
    // A replayed event is one recorded occurrence: never folded into another.
    const existing = options.at === undefined ? this.byKey.get(key) : undefined;
    if (existing) {
      const updated = this.store.mutate<EventObject>('events', existing.namespace, existing.name, (e) => {
        e.count += 1;
        e.lastTimestamp = time;
      });
      if (updated) return;
      this.byKey.delete(key);
    }
    const name = `${obj.metadata.name}.${(at * 1_000_000 + this.counter++ * 1000).toString(16)}`;
    const event: EventObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: '', resourceVersion: '', creationTimestamp: options.at === undefined ? '' : time },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
        ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
      },
      reason,
      message,
      source: { component, ...(options.host ? { host: options.host } : {}) },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: options.host ?? '',
    };
    if (!obj.metadata.namespace) delete event.involvedObject.namespace;
    this.store.create('events', event);
    this.byKey.set(key, { namespace, name });
    this.order.push({ key, namespace, name });
    if (this.order.length > MAX_EVENTS) {
      const oldest = this.order.shift();
      if (oldest) {
        this.byKey.delete(oldest.key);
        this.store.remove('events', oldest.namespace, oldest.name);
      }
    }
  }
}
