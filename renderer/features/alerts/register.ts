import type { ViewSpec } from '../../app/views.js';
import { AlertsView } from './AlertsView.js';

/**
 * How the alerts list plugs into the frame (renderer/app/views.tsx):
 *   export const views = [...estateViews, ...metricsViews, ...alertsViews, ...];
 * It gets a nav item, "g l", a "Go to Alerts" palette command and the route #/alerts.
 */
export const alertsViews: readonly ViewSpec[] = [
  {
    id: 'alerts',
    title: 'Alerts',
    summary: 'CloudWatch alarms and Prometheus alerts, worst first, linked to what they concern',
    icon: 'degraded',
    goKey: 'l',
    section: 'Estate',
    Component: AlertsView,
  },
];

export { watchAlerts, useAlertsStore } from './alerts-store.js';
