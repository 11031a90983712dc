import { useShallow } from 'zustand/react/shallow';
import { useEngineStore } from '../../app/engine-store.js';
import { Icon } from '../../app/icons.js';
import { useSettingsStore } from './settings-store.js';
import { ThemeChoice } from './ThemeChoice.js';
import { ProductionPatterns } from './ProductionPatterns.js';
import { CatalogFolders } from './CatalogFolders.js';
import { UnleashConnection } from '../flags/UnleashConnection.js';
import { RunbookFolders } from './RunbookFolders.js';

export function SettingsView() {
  const { settings, loadError } = useSettingsStore(useShallow((s) => ({ settings: s.settings, loadError: s.loadError })));
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? false);
  return (
    <div className="view view-narrow">
      <header className="view-header">
        <div className="view-heading">
          <h1 tabIndex={-1}>Settings</h1>
          <p className="view-summary">Stored by the engine in its data directory; every window shares them.</p>
        </div>
      </header>
      {readOnly ? (
        <div className="callout tone-warn">
          <Icon name="eye" />
          <span>
            This Daytwo was started with <code>--read-only</code>: the engine refuses every change, settings included.
          </span>
        </div>
      ) : null}
      {loadError ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            <strong>Settings could not be loaded.</strong> {loadError}
          </span>
        </div>
      ) : null}
      {settings ? (
        <>
          <section className="panel" aria-label="Appearance">
            <h2>Appearance</h2>
            <ThemeChoice current={settings.theme} />
          </section>
          <section className="panel" aria-label="Safety">
            <h2>Safety</h2>
            <ProductionPatterns saved={settings.productionPatterns} />
          </section>
          <section className="panel" aria-label="Service catalog">
            <h2>Service catalog</h2>
            <CatalogFolders saved={settings.catalogDirs} />
          </section>
          <section className="panel" aria-label="Feature flags">
            <h2>Feature flags</h2>
            <UnleashConnection readOnly={readOnly} />
          </section>
          <section className="panel" aria-label="Runbooks">
            <h2>Runbooks</h2>
            <RunbookFolders saved={settings.runbookDirs} />
          </section>
        </>
      ) : loadError ? null : (
        <p className="muted">Loading settings…</p>
      )}
    </div>
  );
}
