import { useEffect } from 'react';
import { navigate } from '../../app/route.js';
import { useTickingNow } from '../../app/use-ticking-now.js';
import { drillClockNow, formatClock } from './drill-clock.js';
import { loadRunningDrill, useDrillsStore, watchDrills } from './drills-store.js';

/**
 * Shown above every view while a drill runs, so nobody mistakes the drill for a real incident
 * (or a real incident for the drill): what is running, its clock, and who acts at the console.
 */
export function DrillBanner() {
  const running = useDrillsStore((s) => s.running);
  const now = useTickingNow(running !== null);
  useEffect(() => {
    void loadRunningDrill();
    return watchDrills();
  }, []);
  if (!running) return null;
  return (
    <div className="banner tone-warn drill-banner" role="status" data-testid="drill-banner">
      <div className="banner-text">
        <strong>DRILL {running.state === 'paused' ? '(paused) ' : ''}in progress</strong> — {running.dealt ? 'a dealt scenario' : running.scenario}, drill clock{' '}
        <span className="drill-clock">{formatClock(drillClockNow(running, now))}</span>. Acting: {running.acting ?? 'nobody named'}. Everything in it is marked as a drill.
      </div>
      <button type="button" className="button" onClick={() => navigate('drills')}>
        Game-master panel
      </button>
    </div>
  );
}
