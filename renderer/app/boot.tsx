import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { EngineLink } from '../api/link-state.js';
import { App } from './App.js';
import { startConsole } from './start.js';

/** The console itself, loaded by the page's entry (renderer/main.tsx) once it has the estate's feed open. */
export function boot(link: EngineLink | { problem: string }): void {
  const root = createRoot(document.getElementById('root')!);
  if ('problem' in link) {
    // Without a way to reach the engine there is nothing to show but how to get one.
    root.render(
      <main className="fatal" role="alert">
        <h1>Daytwo cannot reach its engine</h1>
        <p>{link.problem}</p>
      </main>,
    );
    return;
  }
  startConsole(link);
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
