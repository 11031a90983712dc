import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/**
 * kube-prometheus's PrometheusRule objects from ../shared/fixtures/kube-prometheus/, each
 * written out as the Prometheus rules file its `spec` is, unchanged, at test time (the fixtures
 * stay outside this repository).
 */
export const KUBE_PROMETHEUS_FIXTURES = path.resolve(import.meta.dirname, '../../../../shared/fixtures/kube-prometheus');

export interface FixtureRule {
  alert?: string;
  record?: string;
  for?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface FixtureGroup {
  name: string;
  interval?: string;
  rules: FixtureRule[];
}

export function writeKubePrometheusRules(dir: string): { files: string[]; groups: FixtureGroup[] } {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const groups: FixtureGroup[] = [];
  for (const file of fs.readdirSync(KUBE_PROMETHEUS_FIXTURES).filter((f) => f.endsWith('.yaml')).sort()) {
    const rule = yaml.load(fs.readFileSync(path.join(KUBE_PROMETHEUS_FIXTURES, file), 'utf8')) as { spec: { groups: FixtureGroup[] } };
    groups.push(...rule.spec.groups);
    const out = path.join(dir, file);
    fs.writeFileSync(out, yaml.dump(rule.spec));
    files.push(out);
  }
  return { files, groups };
}
