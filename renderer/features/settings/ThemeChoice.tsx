import { useShallow } from 'zustand/react/shallow';
import { setTheme, useResolvedTheme } from '../../app/theme.js';
import type { ThemePreference } from '../../app/theme.js';
import { useSettingsStore } from './settings-store.js';

const choices: Array<{ value: ThemePreference; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeChoice({ current }: { current: ThemePreference }) {
  const { saving, saveError } = useSettingsStore(useShallow((s) => ({ saving: s.saving, saveError: s.saveError })));
  const resolved = useResolvedTheme();
  const error = saveError?.key === 'theme' ? saveError.message : null;
  return (
    <fieldset className="setting" aria-describedby="theme-help">
      <legend>Theme</legend>
      <div className="segmented" role="presentation">
        {choices.map((choice) => (
          <label key={choice.value} className={choice.value === current ? 'checked' : undefined}>
            <input
              type="radio"
              name="theme"
              value={choice.value}
              checked={choice.value === current}
              disabled={saving === 'theme'}
              onChange={() => void setTheme(choice.value, { notify: false })}
            />
            {choice.label}
          </label>
        ))}
      </div>
      <p id="theme-help" className="help">
        {current === 'system' ? `Follows your operating system; ${resolved} now.` : `Always ${current}.`}
        {saving === 'theme' ? ' Saving…' : ''}
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
