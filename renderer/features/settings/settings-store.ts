import { create } from 'zustand';
import type { Settings } from '../../../shared/api/app.js';
import { api, errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';

type SettingKey = keyof Settings;

interface SettingsState {
  settings: Settings | null;
  loadError: string | null;
  /** Which setting is being saved, so only its control shows progress. */
  saving: SettingKey | null;
  /** The engine's refusal of the last save, shown next to the setting it concerns. */
  saveError: { key: SettingKey; message: string } | null;
}

export const useSettingsStore = create<SettingsState>()(() => ({
  settings: null,
  loadError: null,
  saving: null,
  saveError: null,
}));

export async function loadSettings(): Promise<void> {
  try {
    const { settings } = await api().call('settings.get', {});
    useSettingsStore.setState({ settings, loadError: null });
  } catch (error) {
    useSettingsStore.setState({ loadError: errorMessage(error) });
  }
}

const describe: Record<SettingKey, string> = {
  theme: 'Changing the theme',
  productionPatterns: 'Saving production patterns',
  disabledSources: 'Switching sources on or off',
  eventRetentionDays: 'Changing how long event history is kept',
  catalogDirs: 'Saving catalog folders',
  runbookDirs: 'Saving runbook folders',
};

/**
 * Saves one setting. On refusal the engine's message is kept for the setting's own control;
 * when the change came from elsewhere (palette, shortcut) it is raised as a notice as well.
 */
export async function saveSetting<K extends SettingKey>(
  key: K,
  value: Settings[K],
  { notify = true }: { notify?: boolean } = {},
): Promise<boolean> {
  useSettingsStore.setState({ saving: key, saveError: null });
  try {
    const { settings } = await api().call('settings.set', { patch: { [key]: value } });
    useSettingsStore.setState({ settings, saving: null });
    return true;
  } catch (error) {
    const message = errorMessage(error);
    useSettingsStore.setState({ saving: null, saveError: { key, message } });
    if (notify) pushNotice('error', `${describe[key]} failed`, message);
    return false;
  }
}
