import { useId, useState } from 'react';
import type { RefObject } from 'react';
import type { Incident } from '../../../shared/api/incidents.js';
import { estateIndex } from '../estate/store.js';
import { addNote } from './incidents-store.js';

/**
 * Notes, always one key away ("n" focuses it; Enter saves, Shift+Enter breaks the line). The
 * text is cleared only when the engine answered, which it does once the note is on disk: a
 * note that failed to save stays in the box. Mentions are picked from the estate by name.
 */
export function NotesComposer({ incident, textareaRef }: { incident: Incident; textareaRef: RefObject<HTMLTextAreaElement | null> }) {
  const [text, setText] = useState('');
  const [mention, setMention] = useState('');
  const [mentions, setMentions] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [secret, setSecret] = useState(false);
  const listId = useId();

  const candidates = mention.length < 2 ? [] : [...estateIndex.entities.values()].filter((e) => e.name.includes(mention) || e.id.includes(mention)).slice(0, 50);

  const save = async () => {
    if (!text.trim() || saving) return;
    setSaving(true);
    const ok = await addNote(incident.id, text.trim(), mentions, secret);
    setSaving(false);
    if (ok) {
      setText('');
      setMentions([]);
      setSecret(false);
    }
  };

  return (
    <form
      className="panel notes-composer"
      aria-label="Add a note"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <textarea
        ref={textareaRef}
        className="text-input note-text"
        rows={2}
        placeholder="Note for the timeline (n). Enter saves; Shift+Enter for a new line."
        aria-label="Note"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void save();
          }
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
        data-testid="note-text"
      />
      <div className="note-tools">
        <input
          className="text-input"
          list={listId}
          placeholder="Mention an entity…"
          aria-label="Mention an entity"
          value={mention}
          onChange={(e) => {
            const value = e.target.value;
            if (estateIndex.get(value)) {
              setMentions((old) => (old.includes(value) ? old : [...old, value]));
              setMention('');
            } else setMention(value);
          }}
        />
        <datalist id={listId}>
          {candidates.map((e) => (
            <option key={e.id} value={e.id}>
              {e.kind} {e.name}
            </option>
          ))}
        </datalist>
        {mentions.map((id) => (
          <button key={id} type="button" className="button chip" aria-label={`Remove mention ${id}`} onClick={() => setMentions((old) => old.filter((m) => m !== id))}>
            @{estateIndex.get(id)?.name ?? id} ✕
          </button>
        ))}
        <label title="Kept off wall screens (the wallboard and screen links)">
          <input type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} data-testid="note-secret" /> Secret: not on the wall
        </label>
        <button type="submit" className="button primary" disabled={saving || !text.trim()} data-testid="note-save">
          {saving ? 'Saving…' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
