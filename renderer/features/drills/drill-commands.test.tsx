import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Drill, DrillScenario } from '../../../shared/api/drills.js';

const controlDrill = vi.fn(async () => {});
const navigate = vi.fn();
vi.mock('./drills-store.js', () => ({ controlDrill }));
vi.mock('../../app/route.js', () => ({ navigate }));

const { drillCommands } = await import('./drill-commands.js');

/** Only the fields the palette reads; the rest of a drill does not matter here. */
function drill(state: Drill['state'], dealt = false): Drill {
  return { id: 'drill-1', scenario: 'oom-killed', state, dealt } as unknown as Drill;
}

const scenarios = [{ name: 'oom-killed', hints: ['Look at the last state of the container.', 'Compare the last two revisions.'] }] as unknown as DrillScenario[];

describe('the game master in the command palette', () => {
  beforeEach(() => {
    controlDrill.mockClear();
    navigate.mockClear();
  });

  it('offers nothing when no drill runs, or the drill has ended', () => {
    expect(drillCommands(null, scenarios)).toEqual([]);
    expect(drillCommands(drill('mitigated'), scenarios)).toEqual([]);
    expect(drillCommands(drill('aborted'), scenarios)).toEqual([]);
  });

  it('while a drill runs: pause, a hint typed or written, a further fault, abort', () => {
    const titles = drillCommands(drill('running'), scenarios).map((c) => c.title);
    expect(titles).toEqual([
      'Drill: pause',
      'Drill: give hint…',
      'Drill: give hint 1 — Look at the last state of the container.',
      'Drill: give hint 2 — Compare the last two revisions.',
      'Drill: inject fault…',
      'Drill: abort',
    ]);
    expect(drillCommands(drill('running'), scenarios).every((c) => c.section === 'Drill')).toBe(true);
  });

  it('while paused, resume instead of pause', () => {
    const titles = drillCommands(drill('paused'), scenarios).map((c) => c.title);
    expect(titles).toContain('Drill: resume');
    expect(titles).not.toContain('Drill: pause');
  });

  it('keeps a dealt scenario hidden: no written hints', () => {
    const titles = drillCommands(drill('running', true), scenarios).map((c) => c.title);
    expect(titles.filter((t) => t.startsWith('Drill: give hint'))).toEqual(['Drill: give hint…']);
  });

  it('runs the controls through drills.control, and asks before an abort', () => {
    const byId = (id: string) => drillCommands(drill('running'), scenarios).find((c) => c.id === id)!;
    byId('drill.pause').run();
    byId('drill.hint.1').run();
    expect(controlDrill.mock.calls).toEqual([[{ id: 'drill-1', action: 'pause' }], [{ id: 'drill-1', action: 'hint', text: 'Compare the last two revisions.' }]]);

    const confirm = vi.fn(() => false);
    vi.stubGlobal('window', { confirm });
    byId('drill.abort').run();
    expect(controlDrill).toHaveBeenCalledTimes(2);
    confirm.mockReturnValue(true);
    byId('drill.abort').run();
    expect(controlDrill).toHaveBeenLastCalledWith({ id: 'drill-1', action: 'abort' });
    vi.unstubAllGlobals();
  });

  it('"give hint…" opens the drill\'s game-master panel', () => {
    vi.stubGlobal('requestAnimationFrame', () => 0);
    drillCommands(drill('running'), scenarios).find((c) => c.id === 'drill.hint')!.run();
    expect(navigate).toHaveBeenCalledWith('drills', 'drill-1');
    vi.unstubAllGlobals();
  });
});
