import type { Incident, Severity, SuggestedIncident } from '../../../shared/api/incidents.js';
import type { Alert } from '../../../shared/api/metrics.js';

export interface SuggestionSource {
  /** Alerts firing now, from every alert source (Prometheus, Alertmanager, CloudWatch alarms). */
  firing(): Alert[];
}

const severityOf: Record<Alert['severity'], Severity> = { critical: 'SEV2', warning: 'SEV3', info: 'SEV4' };

/**
 * Firing alerts that concern the same service, offered as one incident: five alerts about one
 * crash-looping API are one problem, not five. The service is named by the standard labels
 * (namespace plus service, deployment or job), else by the first entity the alert concerns.
 * Alerts already in an open incident are not offered again.
 */
export function suggestIncidents(alerts: readonly Alert[], incidents: readonly Incident[]): SuggestedIncident[] {
  const taken = new Set(incidents.filter((i) => i.status !== 'resolved').flatMap((i) => i.alertIds));
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (alert.state !== 'firing' || taken.has(alert.id)) continue;
    const key = serviceKey(alert);
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const out: SuggestedIncident[] = [];
  for (const [key, members] of groups) {
    const worst = members.some((a) => a.severity === 'critical') ? 'critical' : members.some((a) => a.severity === 'warning') ? 'warning' : 'info';
    const names = [...new Set(members.map((a) => a.name))];
    const since = members.map((a) => a.since).filter((s): s is number => s !== null);
    out.push({
      key,
      title: `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} on ${key}`,
      severity: severityOf[worst],
      alertIds: members.map((a) => a.id),
      impacted: [...new Set(members.flatMap((a) => a.entityIds.slice(0, 3)))].slice(0, 50),
      since: since.length > 0 ? Math.min(...since) : null,
    });
  }
  return out.sort((a, b) => a.severity.localeCompare(b.severity) || (a.since ?? 0) - (b.since ?? 0));
}

function serviceKey(alert: Alert): string {
  const l = alert.labels;
  const name = l['service'] ?? l['deployment'] ?? l['job'] ?? l['app'];
  if (name) return `${l['cluster'] ? `${l['cluster']}/` : ''}${l['namespace'] ? `${l['namespace']}/` : ''}${name}`;
  return alert.entityIds[0] ?? alert.name;
}
