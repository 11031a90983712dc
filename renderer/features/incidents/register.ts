import type { Entity } from '../../../shared/estate/model.js';
import { IncidentStatus } from '../../../shared/api/incidents.js';
import type { ViewSpec } from '../../app/views.js';
import type { Command } from '../../app/palette/commands.js';
import { IncidentsView } from './IncidentsView.js';
import { exportIncident, openDeclare, setStatus } from './incidents-store.js';

/**
 * How incidents plug into the frame:
 *   renderer/app/views.tsx:      export const views = [..., ...incidentsViews, ...];  ("g i", #/incidents)
 *   renderer/app/App.tsx:        <DeclareDialog /> once, beside <OperationDialog />; and in PaletteHost
 *                                ...incidentCommands(focusedEntity, openIncidentId, readOnly)
 *   entity detail panel:         <DeclareFromEntity entity={entity} />
 *   alerts list:                 <DeclareFromAlert alert={alert} /> on each firing row
 */
export const incidentsViews: readonly ViewSpec[] = [
  {
    id: 'incidents',
    title: 'Incidents',
    summary: 'Declare, follow and close incidents; a timeline that writes itself; postmortem export',
    icon: 'error',
    goKey: 'i',
    section: 'Daytwo',
    Component: IncidentsView,
  },
];

export { DeclareDialog } from './DeclareDialog.js';
export { DeclareFromEntity, DeclareFromAlert, SilenceAlert } from './DeclareButtons.js';

/** "Declare incident…" always; for the open entity, declare about it; for the open incident, status and export. */
export function incidentCommands(focused: Entity | null, openIncidentId: string | null, readOnly: boolean): Command[] {
  if (readOnly) return [];
  const commands: Command[] = [
    {
      id: 'incident.declare',
      title: 'Declare incident…',
      section: 'Operations',
      icon: 'error',
      keywords: 'incident declare outage page sev',
      run: () => openDeclare(),
    },
  ];
  if (focused) {
    commands.push({
      id: 'incident.declare.entity',
      title: `Declare incident about ${focused.name}…`,
      section: 'Operations',
      icon: 'error',
      keywords: `incident declare ${focused.kind} ${focused.name}`,
      run: () => openDeclare({ title: `${focused.name}: `, impacted: [focused.id] }),
    });
  }
  if (openIncidentId) {
    for (const status of IncidentStatus.options) {
      commands.push({
        id: `incident.status.${status}`,
        title: `Set incident status: ${status}`,
        section: 'Operations',
        icon: 'live',
        keywords: `incident status ${status}`,
        run: () => void setStatus(openIncidentId, status),
      });
    }
    commands.push({
      id: 'incident.export',
      title: 'Export postmortem (folder and zip)',
      section: 'Operations',
      icon: 'eye',
      keywords: 'incident export postmortem report markdown zip',
      run: () => void exportIncident(openIncidentId),
    });
  }
  return commands;
}
