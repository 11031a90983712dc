import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { Icon } from '../icons.js';
import { Keys } from '../Keys.js';
import { closePalette } from './palette-store.js';
import { rankByFuzzy } from './fuzzy.js';
import type { Command } from './commands.js';

/**
 * Ctrl/Cmd-K: one text field, results ranked as you type, arrows to move, Enter to run,
 * Escape to leave. The field keeps focus throughout (aria-activedescendant points at the
 * highlighted option), and focus returns where it was on close.
 */
export function CommandPalette({ commands }: { commands: Command[] }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();

  const results = useMemo(
    () => rankByFuzzy(commands, query, (c) => `${c.title} ${c.keywords ?? ''}`),
    [commands, query],
  );
  const activeIndex = Math.min(active, Math.max(results.length - 1, 0));
  const activeCommand = results[activeIndex]?.item;

  useEffect(() => {
    const previous = document.activeElement;
    inputRef.current?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, []);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  function run(command: Command | undefined): void {
    if (!command) return;
    closePalette();
    command.run();
  }

  function onKeyDown(event: ReactKeyboardEvent): void {
    const last = results.length - 1;
    switch (event.key) {
      case 'ArrowDown':
        setActive(activeIndex >= last ? 0 : activeIndex + 1);
        break;
      case 'ArrowUp':
        setActive(activeIndex <= 0 ? last : activeIndex - 1);
        break;
      case 'Home':
        if (query !== '') return;
        setActive(0);
        break;
      case 'End':
        if (query !== '') return;
        setActive(last);
        break;
      case 'Enter':
        run(activeCommand);
        break;
      case 'Escape':
        closePalette();
        break;
      case 'Tab':
        // A modal: focus stays in the field.
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  // Section headings only make sense while the list is in its natural order.
  const headers = results.map(({ item }, i) =>
    query === '' && item.section !== results[i - 1]?.item.section ? item.section : undefined,
  );
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closePalette()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <div className="palette-field">
          <Icon name="search" />
          <input
            ref={inputRef}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeCommand ? `${listId}-${activeCommand.id}` : undefined}
            aria-label="Search commands and views"
            placeholder="Go to a view or run a command…"
            spellCheck={false}
            autoComplete="off"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
          />
          <Keys keys={['Esc']} />
        </div>
        <ul className="palette-results" role="listbox" id={listId} ref={listRef} aria-label="Commands">
          {results.map(({ item: command, match }, index) => {
            const header = headers[index];
            return (
              <li
                key={command.id}
                id={`${listId}-${command.id}`}
                role="option"
                aria-selected={index === activeIndex}
                className="palette-option"
                data-section={header}
                onMouseMove={() => index !== activeIndex && setActive(index)}
                onClick={() => run(command)}
              >
                <Icon name={command.icon} />
                <span className="palette-title truncate">
                  <Highlighted text={command.title} positions={match.positions} />
                </span>
                {command.keys ? <Keys keys={command.keys} /> : null}
              </li>
            );
          })}
        </ul>
        {results.length === 0 ? (
          <p className="palette-empty" role="status">
            Nothing matches “{query}”.
          </p>
        ) : null}
      </div>
    </div>
  );
}

function Highlighted({ text, positions }: { text: string; positions: number[] }) {
  if (positions.length === 0) return <>{text}</>;
  const marked = new Set(positions);
  return (
    <>
      {[...text].map((char, i) =>
        marked.has(i) ? (
          <mark key={i}>{char}</mark>
        ) : (
          <span key={i}>{char}</span>
        ),
      )}
    </>
  );
}
