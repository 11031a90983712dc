import type { Drill, DrillScenario } from '../../../shared/api/drills.js';
import type { Command } from '../../app/palette/commands.js';
import { navigate } from '../../app/route.js';
import { controlDrill } from './drills-store.js';

/** The confirmation the game-master panel's abort button asks for: the palette asks the same. */
export const ABORT_QUESTION = 'Emergency stop: stop every scenario and bring the sandbox back to steady state?';

/**
 * The game master's controls in the command palette, offered only while a drill runs (or is
 * paused): pause, resume, a hint (typed, or one the scenario's author wrote), a further fault
 * (chosen there, or named here), abort. Typed input happens in the game-master panel, which the
 * "…" commands open with the field focused.
 */
export function drillCommands(running: Drill | null, scenarios: readonly DrillScenario[] | null): Command[] {
  if (!running || (running.state !== 'running' && running.state !== 'paused')) return [];
  const id = running.id;
  const commands: Command[] = [];
  if (running.state === 'running') {
    commands.push({ id: 'drill.pause', title: 'Drill: pause', section: 'Drill', icon: 'disabled', keywords: 'drill game day pause clock stop time', run: () => void controlDrill({ id, action: 'pause' }) });
  } else {
    commands.push({ id: 'drill.resume', title: 'Drill: resume', section: 'Drill', icon: 'live', keywords: 'drill game day resume continue clock', run: () => void controlDrill({ id, action: 'resume' }) });
  }
  commands.push({ id: 'drill.hint', title: 'Drill: give hint…', section: 'Drill', icon: 'help', keywords: 'drill game day hint clue tell responders', run: () => openPanelAt(id, 'drill-hint') });
  // A dealt scenario stays hidden on screen: its author's hints would give it away to anyone watching the palette.
  const written = running.dealt ? [] : (scenarios?.find((s) => s.name === running.scenario)?.hints ?? []);
  written.forEach((text, i) => {
    commands.push({ id: `drill.hint.${i}`, title: `Drill: give hint ${i + 1} — ${text}`, section: 'Drill', icon: 'help', keywords: 'drill hint clue', run: () => void controlDrill({ id, action: 'hint', text }) });
  });
  commands.push({ id: 'drill.inject', title: 'Drill: inject fault…', section: 'Drill', icon: 'degraded', keywords: 'drill game day inject fault scenario chaos', run: () => openPanelAt(id, 'drill-inject') });
  commands.push({
    id: 'drill.abort',
    title: 'Drill: abort',
    section: 'Drill',
    icon: 'error',
    keywords: 'drill game day abort emergency stop steady state',
    run: () => {
      if (window.confirm(ABORT_QUESTION)) void controlDrill({ id, action: 'abort' });
    },
  });
  return commands;
}

/**
 * Opens the drill's game-master panel and focuses one of its fields once the view has drawn it.
 * The frame moves focus too after a navigation (to the view's heading) and the palette hands it
 * back as it closes, so the field is focused again until it has kept focus for a few frames.
 */
function openPanelAt(drillId: string, fieldId: string): void {
  navigate('drills', drillId);
  let frames = 0;
  let kept = 0;
  let focused = false;
  const tryFocus = () => {
    const field = document.getElementById(fieldId);
    // Once the field has had focus, a dialog taking it (the palette opened again) is the person
    // moving on: stop pulling focus back.
    if (field && focused && document.activeElement !== field && document.activeElement?.closest('[role="dialog"]')) return;
    if (field && document.activeElement === field) kept++;
    else if (field) {
      kept = 0;
      field.focus();
      focused = document.activeElement === field;
    }
    if (kept < 5 && ++frames < 120) requestAnimationFrame(tryFocus);
  };
  requestAnimationFrame(tryFocus);
}
