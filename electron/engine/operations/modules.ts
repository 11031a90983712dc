import type { OperationKind } from '../../../shared/api/operations.js';
import type { OperationModule } from './operation.js';
import { cordon, uncordon } from './kinds/cordon.js';
import { deletePod } from './kinds/delete-pod.js';
import { drain } from './kinds/drain.js';
import { hpaRange } from './kinds/hpa-range.js';
import { pause, resume } from './kinds/pause.js';
import { restart } from './kinds/restart.js';
import { rollback } from './kinds/rollback.js';
import { scale } from './kinds/scale.js';

/** Every operation Daytwo can run, by kind. */
export const operationModules: { [K in OperationKind]: OperationModule<K, unknown> } = {
  scale: erase(scale),
  'hpa-range': erase(hpaRange),
  rollback: erase(rollback),
  restart: erase(restart),
  pause: erase(pause),
  resume: erase(resume),
  cordon: erase(cordon),
  uncordon: erase(uncordon),
  drain: erase(drain),
  'delete-pod': erase(deletePod),
};

/**
 * A module's action type is private to it: the service only stores the action the module's
 * plan produced and hands that same value back to its execute and verify.
 */
function erase<K extends OperationKind, A>(module: OperationModule<K, A>): OperationModule<K, unknown> {
  return module as unknown as OperationModule<K, unknown>;
}
