import { z } from 'zod';
import { NoParams, mutation, query } from './define.js';
import { maxPatternLength, maxPatterns, patternProblem } from '../settings/production-patterns.js';

export const AppInfo = z.object({
  name: z.literal('Daytwo'),
  version: z.string(),
  /** desktop: Electron; host: served over loopback HTTP to a browser. */
  mode: z.enum(['desktop', 'host']),
  readOnly: z.boolean(),
  dataDir: z.string(),
  /** The engine started on its built-in sandbox because nothing real was configured. */
  sandbox: z.boolean(),
  startedAt: z.number(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Theme = z.enum(['system', 'light', 'dark']);

/** Settings the user changes from the UI; persisted in the store. */
export const Settings = z.object({
  theme: Theme,
  /**
   * Contexts whose names match any of these count as production: case-insensitive globs over
   * the whole name (shared/settings/production-patterns.ts), never regexes from settings.
   */
  productionPatterns: z
    .array(
      z
        .string()
        .min(1)
        .max(maxPatternLength)
        .superRefine((pattern, ctx) => {
          const problem = patternProblem(pattern);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
    )
    .max(maxPatterns),
  /** Source ids the user switched off. */
  disabledSources: z.array(z.string().max(500)).max(1000),
  /**
   * Days of event history kept (Kubernetes events, alarm and alert transitions, operations), so
   * an incident opened late still shows what the cluster said and no longer keeps (its own event
   * TTL is one hour by default). Read at engine start.
   */
  eventRetentionDays: z.number().int().min(1).max(3650),
  /** Folders of Backstage catalog-info.yaml files the catalog reads, beside any given with --catalog. */
  catalogDirs: z.array(z.string().min(1).max(1000)).max(50),
  /** Folders of runbooks (Markdown), read after any given with --runbooks and before the bundled ones. */
  runbookDirs: z.array(z.string().min(1).max(1000)).max(50),
});
export type Settings = z.infer<typeof Settings>;

export const defaultSettings: Settings = {
  theme: 'system',
  productionPatterns: ['*prod*', '*production*', '*prd*'],
  disabledSources: [],
  eventRetentionDays: 30,
  catalogDirs: [],
  runbookDirs: [],
};

export const appMethods = {
  'app.info': query('What this engine is and how it was started.', NoParams, AppInfo),
  'settings.get': query('The current settings.', NoParams, z.object({ settings: Settings })),
  'settings.set': mutation(
    'Change some settings; fields not given keep their value.',
    z.object({ patch: Settings.partial().strict() }).strict(),
    z.object({ settings: Settings }),
  ),
};
