import type { ComponentType } from 'react';
import type { IconName } from './icons.js';
import { SourcesView } from '../features/sources/SourcesView.js';
import { SettingsView } from '../features/settings/SettingsView.js';
import { AboutView } from '../features/about/AboutView.js';
import { auditViews } from '../features/audit/register.js';
import { metricsViews } from '../features/metrics/register.js';
import { alertsViews } from '../features/alerts/register.js';
import { estateViews } from '../features/estate/register.js';
import { incidentsViews } from '../features/incidents/register.js';
import { runbooksViews } from '../features/runbooks/register.js';
import { catalogViews } from '../features/catalog/register.js';
import { wallboardViews } from '../features/wallboard/register.js';
import { drillsViews } from '../features/drills/register.js';

/**
 * Every main view, in navigation order. A later feature (estate overview, topology, entity
 * detail) adds one entry here and gets a nav item, a "g <key>" shortcut, a palette command
 * and a route (#/<id>/<rest…>) for free. Only views that work are listed.
 */
export interface ViewSpec {
  id: string;
  title: string;
  /** One line for the palette and the help table. */
  summary: string;
  icon: IconName;
  /** Two-key shortcut, "g" then this. */
  goKey: string;
  section: 'Estate' | 'Daytwo';
  Component: ComponentType<{ rest: string[] }>;
}

export const views: readonly ViewSpec[] = [
  ...estateViews,
  ...metricsViews,
  ...alertsViews,
  ...catalogViews,
  ...incidentsViews,
  ...runbooksViews,
  ...wallboardViews,
  ...drillsViews,
  ...auditViews,
  {
    id: 'sources',
    title: 'Sources',
    summary: 'Clusters, cloud accounts and metric backends, with state and freshness',
    icon: 'sources',
    goKey: 's',
    section: 'Estate',
    Component: SourcesView,
  },
  {
    id: 'settings',
    title: 'Settings',
    summary: 'Theme and which contexts count as production',
    icon: 'settings',
    goKey: ',',
    section: 'Daytwo',
    Component: SettingsView,
  },
  {
    id: 'help',
    title: 'About & help',
    summary: 'Version, mode, data directory and keyboard shortcuts',
    icon: 'help',
    goKey: 'h',
    section: 'Daytwo',
    Component: AboutView,
  },
];

export const defaultViewId = 'overview';

export function findView(id: string): ViewSpec | undefined {
  return views.find((v) => v.id === id);
}
