import fs from 'node:fs';
import path from 'node:path';
import type * as CatalogModel from '@backstage/catalog-model';
import type { Entity as BackstageEntity, KindValidator } from '@backstage/catalog-model';
import type { CatalogLink, FileProblem } from '../../../shared/api/catalog.js';
import { FLAGS_ANNOTATION } from '../../../shared/flags/flag-refs.js';
import { readYamlDocuments } from './yaml-file.js';

/**
 * Backstage catalog-info.yaml files from the folders a user names (--catalog DIR, or settings),
 * parsed with positions kept (the `yaml` package) and validated with Backstage's own
 * validators from @backstage/catalog-model, so a file Backstage would refuse is refused here
 * too, with its file, line and what is wrong.
 * https://backstage.io/docs/features/software-catalog/descriptor-format
 */

/**
 * Backstage's model, imported when a file is first read: the package builds its kinds' schema
 * validators as it loads, 0.1 s of the engine's start, and most engines have no catalog folder.
 */
let backstage: Promise<typeof CatalogModel> | null = null;

/** The kinds the catalog reads, with what reads them; others (API, Resource, Location …) are skipped without complaint. */
async function catalogModel(): Promise<{ validators: Record<string, KindValidator>; stringifyEntityRef: (entity: BackstageEntity) => string }> {
  const model = await (backstage ??= import('@backstage/catalog-model'));
  return {
    validators: {
      Component: model.componentEntityV1alpha1Validator,
      System: model.systemEntityV1alpha1Validator,
      Group: model.groupEntityV1alpha1Validator,
      User: model.userEntityV1alpha1Validator,
    },
    stringifyEntityRef: model.stringifyEntityRef,
  };
}

/** Annotations Backstage plugins define: the Kubernetes plugin's two, and PagerDuty's. */
export const kubernetesIdAnnotation = 'backstage.io/kubernetes-id';
export const kubernetesSelectorAnnotation = 'backstage.io/kubernetes-label-selector';
export const pagerDutyAnnotation = 'pagerduty.com/service-id';

export interface DeclaredComponent {
  ref: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  type: string | null;
  lifecycle: string | null;
  kubernetesId: string | null;
  labelSelector: string | null;
  pagerDutyServiceId: string | null;
  /** `daytwo.io/feature-flags` (shared/flags/flag-refs.ts), as on a workload. */
  featureFlags: string | null;
  links: CatalogLink[];
  runbooks: CatalogLink[];
  file: string;
  line: number;
}

export interface CatalogInfo {
  components: DeclaredComponent[];
  /** Group and User refs declared, so an owner that names one can be shown by its title. */
  groups: Map<string, { title: string | null; file: string }>;
  problems: FileProblem[];
}

const maxFiles = 5000;

/** Every catalog-info*.yaml under the folders, depth first, hidden folders and node_modules skipped. */
export function catalogFiles(dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= maxFiles) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(full);
      else if (entry.isFile() && /^catalog-info.*\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  for (const dir of dirs) walk(dir);
  return out;
}

export async function readCatalogInfo(dirs: readonly string[]): Promise<CatalogInfo> {
  const info: CatalogInfo = { components: [], groups: new Map(), problems: [] };
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) info.problems.push({ file: dir, line: 1, column: 1, message: 'This catalog folder does not exist.' });
  }
  for (const file of catalogFiles(dirs)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      info.problems.push({ file, line: 1, column: 1, message: `Cannot read: ${(error as Error).message}` });
      continue;
    }
    await readFile(file, text, info);
  }
  return info;
}

/** One file's documents into `info`; exported for tests of the validation messages. */
export async function readFile(file: string, text: string, info: CatalogInfo): Promise<void> {
  const { validators, stringifyEntityRef } = await catalogModel();
  for (const doc of readYamlDocuments(file, text, info.problems)) {
    const value: unknown = doc.doc.toJS();
    if (value === null || value === undefined) continue;
    const kind = typeof value === 'object' && 'kind' in value ? (value as { kind: unknown }).kind : undefined;
    const validator = typeof kind === 'string' ? validators[kind] : undefined;
    if (!validator) {
      if (typeof kind !== 'string') info.problems.push({ file, ...doc.at(['kind']), message: 'kind: every catalog entity has a kind (Component, System, Group, User …).' });
      continue;
    }
    try {
      // The validators throw a TypeError naming the JSON pointer of the first bad field.
      const ok = await validator.check(value as BackstageEntity);
      if (!ok) throw new TypeError(`not a valid ${kind}`);
    } catch (error) {
      const message = (error as Error).message;
      const pointer = /(\/[A-Za-z0-9_./-]*)/.exec(message)?.[1] ?? '';
      const fieldPath = pointer.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      info.problems.push({ file, ...doc.at(fieldPath), message: `${kind}: ${message}` });
      continue;
    }
    const entity = value as BackstageEntity;
    const line = doc.at([]).line;
    if (kind === 'Group' || kind === 'User') {
      info.groups.set(stringifyEntityRef(entity), { title: (entity.spec?.['profile'] as { displayName?: string } | undefined)?.displayName ?? entity.metadata.title ?? null, file });
      continue;
    }
    if (kind !== 'Component') continue;
    const annotations = entity.metadata.annotations ?? {};
    const spec = entity.spec ?? {};
    const links = (entity.metadata.links ?? []).map((l) => ({ title: l.title ?? l.url, url: l.url, type: l.type ?? '' }));
    // A link is a runbook when its type says so, or its title does: Backstage has no runbook field.
    const isRunbook = (l: { title: string; type: string }) => /runbook/i.test(l.type) || /runbook/i.test(l.title);
    info.components.push({
      ref: stringifyEntityRef(entity),
      name: entity.metadata.name,
      title: entity.metadata.title ?? null,
      owner: typeof spec['owner'] === 'string' ? spec['owner'] : null,
      system: typeof spec['system'] === 'string' ? spec['system'] : null,
      type: typeof spec['type'] === 'string' ? spec['type'] : null,
      lifecycle: typeof spec['lifecycle'] === 'string' ? spec['lifecycle'] : null,
      kubernetesId: annotations[kubernetesIdAnnotation] ?? null,
      labelSelector: annotations[kubernetesSelectorAnnotation] ?? null,
      pagerDutyServiceId: annotations[pagerDutyAnnotation] ?? null,
      featureFlags: annotations[FLAGS_ANNOTATION] ?? null,
      links: links.filter((l) => !isRunbook(l)).map(({ title, url }) => ({ title, url })),
      runbooks: links.filter(isRunbook).map(({ title, url }) => ({ title, url })),
      file,
      line,
    });
  }
}
