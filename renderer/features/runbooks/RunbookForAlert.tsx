import { useState } from 'react';
import type { Alert } from '../../../shared/api/metrics.js';
import { api, errorMessage } from '../../api/api-client.js';

/**
 * On an alert row: asks which runbooks answer the alert (runbooks.forAlert, with its labels and
 * runbook_url) and opens the first, its parameters filled; says so when none does.
 */
export function RunbookForAlert({ alert }: { alert: Alert }) {
  const [note, setNote] = useState<string | null>(null);
  const open = () => {
    setNote(null);
    api()
      .call('runbooks.forAlert', { alertname: alert.labels.alertname ?? alert.name, labels: alert.labels, ...(alert.runbookUrl ? { runbookUrl: alert.runbookUrl } : {}) })
      .then((r) => {
        const offer = r.offers[0];
        const runbookId = offer?.runbook.id ?? r.external?.runbookId ?? null;
        if (!runbookId) {
          setNote(r.external ? 'Its runbook is not in Daytwo’s format' : 'No runbook answers this alert');
          return;
        }
        const query = new URLSearchParams(Object.entries(offer?.parameters ?? {}).map(([k, v]) => [k, String(v)]));
        location.hash = `#/runbooks/book/${encodeURIComponent(runbookId)}?${query.toString()}`;
      }, (e: unknown) => setNote(errorMessage(e)));
  };
  return (
    <>
      <button type="button" className="button small" data-testid="runbook-for-alert" onClick={open}>
        Runbook
      </button>
      {note && <span className="muted">{note}</span>}
    </>
  );
}
