import { create } from 'zustand';
import type { Incident, IncidentKind, IncidentStatus, Severity, SuggestedIncident, TimelineItem, TimelineItemKind } from '../../../shared/api/incidents.js';
import type { Params } from '../../../shared/api/contract.js';
import { api, errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';
import { navigate } from '../../app/route.js';

/**
 * Incidents in the renderer: the list (kept current by `incidents.subscribe`), the open
 * incident's timeline, and the declare dialog. Actions are module functions (zustand's
 * "practice with no store actions"), so the palette and other features call them directly.
 */

export interface DeclareDraft {
  title: string;
  severity: Severity;
  kind: IncidentKind;
  summary: string;
  impacted: string[];
  alertIds: string[];
  detectedAt?: number;
}

export interface IncidentsState {
  incidents: Incident[] | null;
  error: string | null;
  suggestions: SuggestedIncident[];
  /** The incident whose view is open, and its timeline. */
  timeline: { id: string; items: TimelineItem[]; total: number; start: number; end: number; anchor: number } | null;
  timelineError: string | null;
  kinds: ReadonlySet<TimelineItemKind>;
  showHidden: boolean;
  starredOnly: boolean;
  /** The declare dialog, open when not null. */
  draft: DeclareDraft | null;
  declaring: boolean;
}

export const useIncidentsStore = create<IncidentsState>()(() => ({
  incidents: null,
  error: null,
  suggestions: [],
  timeline: null,
  timelineError: null,
  kinds: new Set(),
  showHidden: false,
  starredOnly: false,
  draft: null,
  declaring: false,
}));

export async function loadIncidents(): Promise<void> {
  try {
    const [{ incidents }, { suggestions }] = await Promise.all([api().call('incidents.list', { limit: 500 }), api().call('incidents.suggestions', {})]);
    useIncidentsStore.setState({ incidents, suggestions, error: null });
  } catch (error) {
    useIncidentsStore.setState({ error: errorMessage(error) });
  }
}

/** Follows incident changes while a view is open; returns the stop. */
export function watchIncidents(): () => void {
  void loadIncidents();
  return api().subscribe('incidents.subscribe', {}, ({ incident }) => {
    const list = useIncidentsStore.getState().incidents ?? [];
    const others = list.filter((i) => i.id !== incident.id);
    useIncidentsStore.setState({ incidents: [incident, ...others].sort(openFirst) });
    const open = useIncidentsStore.getState().timeline;
    if (open?.id === incident.id) void loadTimeline(incident.id);
  });
}

function openFirst(a: Incident, b: Incident): number {
  const resolved = Number(a.status === 'resolved') - Number(b.status === 'resolved');
  return resolved !== 0 ? resolved : b.updatedAt - a.updatedAt;
}

let timelineSeq = 0;
export async function loadTimeline(id: string): Promise<void> {
  const mine = ++timelineSeq;
  const { kinds, showHidden, starredOnly } = useIncidentsStore.getState();
  try {
    const result = await api().call('incidents.timeline', {
      id,
      kinds: kinds.size > 0 ? [...kinds] : undefined,
      includeHidden: showHidden,
      starredOnly,
      limit: 100_000,
    });
    if (mine === timelineSeq) useIncidentsStore.setState({ timeline: { id, ...result }, timelineError: null });
  } catch (error) {
    if (mine === timelineSeq) useIncidentsStore.setState({ timelineError: errorMessage(error) });
  }
}

export function toggleKind(id: string, kind: TimelineItemKind): void {
  const next = new Set(useIncidentsStore.getState().kinds);
  if (next.has(kind)) next.delete(kind);
  else next.add(kind);
  useIncidentsStore.setState({ kinds: next });
  void loadTimeline(id);
}

export function setTimelineFlags(id: string, flags: Partial<Pick<IncidentsState, 'showHidden' | 'starredOnly'>>): void {
  useIncidentsStore.setState(flags);
  void loadTimeline(id);
}

export function openDeclare(draft: Partial<DeclareDraft> = {}): void {
  useIncidentsStore.setState({
    draft: { title: '', severity: 'SEV3', kind: 'real', summary: '', impacted: [], alertIds: [], ...draft },
  });
}

export function closeDeclare(): void {
  useIncidentsStore.setState({ draft: null, declaring: false });
}

export async function declareIncident(draft: DeclareDraft): Promise<Incident | null> {
  useIncidentsStore.setState({ declaring: true });
  try {
    const { incident } = await api().call('incidents.declare', draft);
    closeDeclare();
    navigate('incidents', incident.id);
    return incident;
  } catch (error) {
    useIncidentsStore.setState({ declaring: false });
    pushNotice('error', 'Declaring the incident', errorMessage(error));
    return null;
  }
}

export async function updateIncident(params: Params<'incidents.update'>): Promise<void> {
  try {
    await api().call('incidents.update', params);
  } catch (error) {
    pushNotice('error', 'Updating the incident', errorMessage(error));
  }
}

export async function setStatus(id: string, status: IncidentStatus): Promise<void> {
  await updateIncident({ id, status });
}

/** Resolves true only once the engine answered: it answers once the note is on disk. */
export async function addNote(incidentId: string, text: string, mentions: string[], secret = false): Promise<boolean> {
  try {
    await api().call('incidents.note', { incidentId, text, mentions, ...(secret ? { secret } : {}) });
    void loadTimeline(incidentId);
    return true;
  } catch (error) {
    pushNotice('error', 'Saving the note', errorMessage(error));
    return false;
  }
}

export async function markItem(incidentId: string, itemId: string, patch: { starred?: boolean; hidden?: boolean }): Promise<void> {
  try {
    await api().call('incidents.mark', { id: incidentId, itemId, ...patch });
    void loadTimeline(incidentId);
  } catch (error) {
    pushNotice('error', 'Marking the item', errorMessage(error));
  }
}

export async function exportIncident(id: string): Promise<void> {
  try {
    const result = await api().call('incidents.export', { id });
    const bytes = Uint8Array.from(atob(result.zipBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.zipName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    pushNotice('info', 'Postmortem exported', `${result.files.length} files in ${result.folder} and ${result.zipName}.`);
  } catch (error) {
    pushNotice('error', 'Exporting the postmortem', errorMessage(error));
  }
}
