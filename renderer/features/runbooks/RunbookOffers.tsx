import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Offer } from '../../../shared/api/runbooks.js';
import { api, errorMessage } from '../../api/api-client.js';

/** The runbook page's link for an offer: its parameters, and the incident a run should land on. */
export function offerHref(runbookId: string, parameters: Offer['parameters'], incidentId?: string): string {
  const query = new URLSearchParams(Object.entries(parameters).map(([k, v]) => [k, String(v)]));
  // "@" cannot start a parameter name, so it never shadows one.
  if (incidentId) query.set('@incident', incidentId);
  return `#/runbooks/book/${encodeURIComponent(runbookId)}?${query.toString()}`;
}

/** The runbook page carries its parameters after "?", which navigate() would escape. */
export function openHash(hash: string): void {
  window.location.hash = hash;
}

/**
 * Several runbooks answer: one list, each a button that opens the runbook with its parameters
 * filled. The first is focused; arrows move, Enter or a click opens, 1–9 open that one, Escape
 * closes. What nothing could fill is named, for the person to give on the runbook's page.
 */
export function OfferChooser({ offers, incidentId, onClose, label }: { offers: readonly Offer[]; incidentId?: string; onClose?: () => void; label: string }) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (onClose) listRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [onClose]);
  const open = (offer: Offer) => {
    openHash(offerHref(offer.runbook.id, offer.parameters, incidentId));
  };
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') buttons[(at + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
    else if (/^[1-9]$/.test(e.key) && offers[Number(e.key) - 1]) open(offers[Number(e.key) - 1] as Offer);
    else if (e.key === 'Escape' && onClose) onClose();
    else return;
    e.preventDefault();
  };
  return (
    <ul className="runbook-offers" aria-label={label} ref={listRef} onKeyDown={onKey} data-testid="runbook-offers">
      {offers.map((offer, n) => (
        <li key={offer.runbook.id}>
          <button type="button" className="button small" onClick={() => open(offer)}>
            <span className="runbook-offer-key">{n + 1}</span> {offer.runbook.title}
          </button>
          <span className="runbook-offer-params muted">
            {Object.entries(offer.parameters)
              .map(([k, v]) => `${k}=${v}`)
              .join(' · ')}
            {offer.missing.length > 0 ? ` · asks for ${offer.missing.join(', ')}` : ''}
            {offer.runbook.origin !== 'bundled' ? ` · ${offer.runbook.origin}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** On the incident view: the runbooks that answer its alerts and impacted entities; a run started from here lands on it. */
export function RunbooksForIncident({ incidentId, alertIds, impacted }: { incidentId: string; alertIds: readonly string[]; impacted: readonly string[] }) {
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Asked again when what the incident concerns changes.
  const key = `${alertIds.join('\n')}\n\n${impacted.join('\n')}`;
  useEffect(() => {
    let live = true;
    api()
      .call('runbooks.forIncident', { incidentId })
      .then(
        (r) => live && setOffers(r.offers),
        (e: unknown) => live && setError(errorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [incidentId, key]);
  if (error) return <p className="muted">Runbooks: {error}</p>;
  if (!offers || offers.length === 0) return null;
  return (
    <div className="incident-runbooks" data-testid="incident-runbooks">
      <span className="muted">Runbooks:</span>
      <OfferChooser offers={offers} incidentId={incidentId} label="Runbooks that answer this incident" />
    </div>
  );
}
