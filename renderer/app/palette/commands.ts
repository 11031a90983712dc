import type { IconName } from '../icons.js';
import { views } from '../views.js';
import { estateCommands } from '../../features/estate/register.js';
import { navigate } from '../route.js';
import { setTheme, toggleTheme } from '../theme.js';
import type { ThemePreference } from '../theme.js';

export interface Command {
  id: string;
  title: string;
  section: 'Go to' | 'Operations' | 'Drill' | 'Appearance' | 'Connection';
  icon: IconName;
  /** Shortcut shown on the right, if there is one. */
  keys?: string[];
  /** Extra words that should find it ("dark mode" finds the theme). */
  keywords?: string;
  run(): void;
}

export interface CommandContext {
  theme: ThemePreference;
  canReconnect: boolean;
  reconnect(): void;
}

/** What the palette offers now: every view, then actions that make sense in this state. */
export function availableCommands(context: CommandContext): Command[] {
  const goTo: Command[] = views.map((view) => ({
    id: `go.${view.id}`,
    title: `Go to ${view.title}`,
    section: 'Go to',
    icon: view.icon,
    keys: ['g', view.goKey],
    keywords: view.summary,
    run: () => navigate(view.id),
  }));
  const themes: Array<[ThemePreference, string]> = [
    ['light', 'Light'],
    ['dark', 'Dark'],
    ['system', 'Follow system'],
  ];
  const appearance: Command[] = [
    {
      id: 'theme.toggle',
      title: 'Toggle light/dark theme',
      section: 'Appearance',
      icon: 'theme',
      keywords: 'switch mode colour color',
      run: () => void toggleTheme(),
    },
    ...themes
      .filter(([value]) => value !== context.theme)
      .map(([value, label]): Command => ({
        id: `theme.${value}`,
        title: `Theme: ${label}`,
        section: 'Appearance',
        icon: 'theme',
        keywords: `${value} mode appearance`,
        run: () => void setTheme(value),
      })),
  ];
  const connection: Command[] = context.canReconnect
    ? [
        {
          id: 'engine.reconnect',
          title: 'Reconnect to the engine now',
          section: 'Connection',
          icon: 'plug',
          keywords: 'retry offline',
          run: context.reconnect,
        },
      ]
    : [];
  return [...goTo, ...estateCommands(), ...appearance, ...connection];
}
