import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToEngine } from './api/connect.js';
import { App } from './app/App.js';
import { applyCachedTheme } from './app/theme.js';
import { startConsole } from './app/start.js';
import './styles/tokens.css';
import './styles/app.css';

applyCachedTheme();
const root = createRoot(document.getElementById('root')!);
const link = connectToEngine(window);

if ('problem' in link) {
  // Without a way to reach the engine there is nothing to show but how to get one.
  root.render(
    <main className="fatal" role="alert">
      <h1>Daytwo cannot reach its engine</h1>
      <p>{link.problem}</p>
    </main>,
  );
} else {
  startConsole(link);
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
