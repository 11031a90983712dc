/**
 * How operations plug into the frame and the estate views:
 *   renderer/app/App.tsx:            render <OperationDialog /> once, next to <PaletteHost />.
 *   renderer/app/palette/commands.ts: return [..., ...operationCommands(focusedEntity, readOnly)];
 *   entity detail panel (renderer/features/estate/EntityDetail.tsx): <EntityActions entity={entity} />
 *     under the heading; it renders nothing for entities without operations.
 * The audit view registers separately (renderer/features/audit/register.ts).
 */
export { OperationDialog } from './OperationDialog.js';
export { EntityActions } from './EntityActions.js';
export { operationCommands } from './operation-commands.js';
export { startOperation, openPlan, planOperation } from './operations-store.js';
