import type { ViewSpec } from '../../app/views.js';
import { AuditView } from './AuditView.js';

/**
 * How the audit view plugs into the frame (renderer/app/views.tsx):
 *   export const views = [..., ...auditViews, ...];
 * It gets a nav item, "g a", a "Go to Audit log" palette command and the route #/audit.
 */
export const auditViews: readonly ViewSpec[] = [
  {
    id: 'audit',
    title: 'Audit log',
    summary: 'Every operation: who, what, where, outcome; verify the hash chain; export JSON Lines',
    icon: 'eye',
    goKey: 'a',
    section: 'Daytwo',
    Component: AuditView,
  },
];
