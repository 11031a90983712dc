import os from 'node:os';
import path from 'node:path';

/**
 * The platform's app-data folder, matching what Electron's app.getPath('userData') gives for
 * productName "Daytwo", so the desktop app and host mode share one store.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DAYTWO_DATA_DIR) return env.DAYTWO_DATA_DIR;
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Daytwo');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Daytwo');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Daytwo');
  }
}
