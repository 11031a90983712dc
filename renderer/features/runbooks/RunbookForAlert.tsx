import { useState } from 'react';
import type { Alert } from '../../../shared/api/metrics.js';
import type { Offer } from '../../../shared/api/runbooks.js';
import { api, errorMessage } from '../../api/api-client.js';
import { OfferChooser, offerHref, openHash } from './RunbookOffers.js';

/**
 * On an alert row: asks which runbooks answer the alert (runbooks.forAlert, with its labels and
 * runbook_url). One answer opens at once, its parameters filled; several open a chooser, where
 * one click or key picks; none says so.
 */
export function RunbookForAlert({ alert }: { alert: Alert }) {
  const [note, setNote] = useState<string | null>(null);
  const [choices, setChoices] = useState<Offer[] | null>(null);
  const open = () => {
    setNote(null);
    api()
      .call('runbooks.forAlert', { alertname: alert.labels.alertname ?? alert.name, labels: alert.labels, ...(alert.runbookUrl ? { runbookUrl: alert.runbookUrl } : {}) })
      .then((r) => {
        if (r.offers.length > 1) {
          setChoices(r.offers);
          return;
        }
        const offer = r.offers[0];
        const runbookId = offer?.runbook.id ?? r.external?.runbookId ?? null;
        if (!runbookId) {
          setNote(r.external ? 'Its runbook is not in Daytwo’s format' : 'No runbook answers this alert');
          return;
        }
        openHash(offerHref(runbookId, offer?.parameters ?? {}));
      }, (e: unknown) => setNote(errorMessage(e)));
  };
  return (
    <span className="runbook-for-alert">
      <button type="button" className="button small" data-testid="runbook-for-alert" aria-expanded={choices ? true : undefined} onClick={open}>
        Runbook
      </button>
      {note && <span className="muted">{note}</span>}
      {choices && (
        <div className="runbook-chooser" role="dialog" aria-label={`Runbooks for ${alert.name}`}>
          <OfferChooser offers={choices} label={`Runbooks that answer ${alert.name}`} onClose={() => setChoices(null)} />
        </div>
      )}
    </span>
  );
}
