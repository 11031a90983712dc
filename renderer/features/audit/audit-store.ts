import { create } from 'zustand';
import type { AuditEntry, AuditFilter, AuditVerification } from '../../../shared/api/audit.js';
import { api, errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';

export interface AuditState {
  filter: AuditFilter;
  entries: AuditEntry[] | null;
  loading: boolean;
  error: string | null;
  verification: AuditVerification | null;
  verifying: boolean;
}

export const useAuditStore = create<AuditState>()(() => ({
  filter: {},
  entries: null,
  loading: false,
  error: null,
  verification: null,
  verifying: false,
}));

function cleaned(filter: AuditFilter): AuditFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as AuditFilter;
}

export async function loadAudit(filter: AuditFilter = useAuditStore.getState().filter): Promise<void> {
  useAuditStore.setState({ filter, loading: true });
  try {
    const { entries } = await api().call('audit.list', cleaned(filter));
    useAuditStore.setState({ entries, loading: false, error: null });
  } catch (error) {
    useAuditStore.setState({ loading: false, error: errorMessage(error) });
  }
}

export async function verifyAudit(): Promise<void> {
  useAuditStore.setState({ verifying: true });
  try {
    const verification = await api().call('audit.verify', {});
    useAuditStore.setState({ verification, verifying: false });
  } catch (error) {
    useAuditStore.setState({ verifying: false });
    pushNotice('error', 'Verifying the audit log', errorMessage(error));
  }
}

/** Downloads the filtered entries as a JSON Lines file, hashes included, so it verifies on its own. */
export async function exportAudit(): Promise<void> {
  try {
    const { jsonl, fileName, count } = await api().call('audit.export', cleaned(useAuditStore.getState().filter));
    const url = URL.createObjectURL(new Blob([jsonl], { type: 'application/jsonl' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    pushNotice('info', 'Audit log exported', `${count} entr${count === 1 ? 'y' : 'ies'} in ${fileName}.`);
  } catch (error) {
    pushNotice('error', 'Exporting the audit log', errorMessage(error));
  }
}
