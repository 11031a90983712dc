import { useEffect, useState } from 'react';
import type { Entity } from '../../../shared/estate/model.js';
import type { ObjectRef } from '../../../shared/api/objects.js';
import { api } from '../../api/api-client.js';
import { LogsPanel, kindsWithLogs } from './LogsPanel.js';
import { ObjectPanel } from './ObjectPanel.js';

/**
 * How logs and the object view plug into the entity detail panel
 * (renderer/features/estate/EntityDetail.tsx): it offers a "Logs" tab where `hasLogs(entity)`
 * and a "YAML" tab where `hasObject(entity)`, rendering <EntityLogs> and <EntityObject>.
 */

/** Kinds backed by one Kubernetes object the engine can read (objects/object-address.ts). */
const kindsWithObject: ReadonlySet<Entity['kind']> = new Set([
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'service',
  'ingress',
  'hpa',
  'pdb',
  'node',
]);

export const hasLogs = (entity: Entity): boolean => entity.id.startsWith('k8s:') && kindsWithLogs.has(entity.kind);
export const hasObject = (entity: Entity): boolean => entity.id.startsWith('k8s:') && kindsWithObject.has(entity.kind);

/** The logs tab; its container choice comes from the object's spec, read once. */
export function EntityLogs({ entity }: { entity: Entity }) {
  const [containers, setContainers] = useState<{ id: string; names: string[] }>({ id: '', names: [] });
  useEffect(() => {
    let cancelled = false;
    api()
      .call('objects.get', { entityId: entity.id })
      .then(
        (view) => !cancelled && setContainers({ id: entity.id, names: view.summary.containers.filter((c) => !c.init).map((c) => c.name) }),
        () => undefined, // Without the spec the view still offers "all containers".
      );
    return () => {
      cancelled = true;
    };
  }, [entity.id]);
  return <LogsPanel key={entity.id} entity={entity} containers={containers.id === entity.id ? containers.names : []} />;
}

/** The YAML tab: the object, and below it any Secret or ConfigMap it refers to that was opened. */
export function EntityObject({ entity }: { entity: Entity }) {
  const [opened, setOpened] = useState<{ id: string; ref: ObjectRef } | null>(null);
  const ref = opened?.id === entity.id ? opened.ref : undefined;
  return (
    <>
      <ObjectPanel entityId={entity.id} onShowRef={(r) => setOpened({ id: entity.id, ref: r })} />
      {ref ? <ObjectPanel key={`${ref.kind}/${ref.name}`} entityId={entity.id} refObject={ref} /> : null}
    </>
  );
}
