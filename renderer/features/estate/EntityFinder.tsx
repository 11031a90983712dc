import { useId, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { Entity } from '../../../shared/estate/model.js';
import { HealthIcon, Untrusted } from './parts.js';
import { kindLabel, locationOf } from './rollup.js';
import { entitySearch, estateIndex, useEstateStore } from './store.js';

/**
 * "Find entity…": a search field with a list of matches, worst health first among equals.
 * The palette command sets `pending` and navigates; the field then carries data-autofocus, which
 * the frame focuses after the move (renderer/app/App.tsx), so the operator can type at once.
 */
export const useFinderStore = create<{ pending: boolean }>()(() => ({ pending: false }));
export const requestFinder = (): void => useFinderStore.setState({ pending: true });

const SHOWN = 8;

export function EntityFinder({
  onPick,
  onQuery,
  placeholder = 'Find entity  /',
}: {
  onPick: (entity: Entity) => void;
  /** Told the text as it is typed (the topology highlights every match). */
  onQuery?: (query: string) => void;
  placeholder?: string;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const pending = useFinderStore((s) => s.pending);
  const version = useEstateStore((s) => s.version);
  const listId = useId();
  const results = useMemo(() => {
    void version;
    return entitySearch.search(query, SHOWN);
  }, [query, version]);

  const pick = (entity: Entity | undefined) => {
    if (!entity) return;
    setOpen(false);
    onPick(entity);
  };

  return (
    <div className="finder">
      <input
        type="search"
        className="filter finder-input"
        placeholder={placeholder}
        aria-label="Find entity by name, id or label (kind:pod, health:failing narrow it)"
        role="combobox"
        aria-expanded={open && results.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && results[active] ? `${listId}-${active}` : undefined}
        data-view-filter
        data-autofocus={pending ? '' : undefined}
        value={query}
        onFocus={() => {
          if (pending) useFinderStore.setState({ pending: false });
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
        onChange={(e) => {
          setQuery(e.target.value);
          onQuery?.(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            pick(results[active]);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            if (query !== '') {
              setQuery('');
              onQuery?.('');
            } else e.currentTarget.blur();
          }
        }}
      />
      {open && results.length > 0 ? (
        <ul className="finder-results" role="listbox" id={listId} aria-label="Matching entities">
          {results.map((entity, i) => (
            <li
              key={entity.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className="finder-option"
              // mousedown, not click: a click would blur the field and close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(entity);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <HealthIcon health={entity.health} />
              <span className="finder-kind">{kindLabel[entity.kind]}</span>
              <Untrusted text={entity.name} className="finder-name" />
              <Untrusted text={locationOf(estateIndex, entity)} className="finder-where" />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
