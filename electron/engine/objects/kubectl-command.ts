import type { ObjectAddress } from './object-address.js';

/** kubectl's short names, so the command reads as an operator would type it. */
const shortNames: Record<string, string> = {
  Deployment: 'deploy',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  ReplicaSet: 'rs',
  Pod: 'pod',
  Service: 'svc',
  Ingress: 'ing',
  HorizontalPodAutoscaler: 'hpa',
  PodDisruptionBudget: 'pdb',
  Node: 'node',
  Secret: 'secret',
  ConfigMap: 'cm',
  Job: 'job',
  CronJob: 'cj',
};

/** POSIX shell quoting: bare when safe, else single quotes with embedded quotes escaped. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `kubectl --context <ctx> -n <ns> get deploy/<name> -o yaml`: the same object, from a terminal. */
export function kubectlGetCommand(address: ObjectAddress): string {
  const resource = `${shortNames[address.kind] ?? address.kind.toLowerCase()}/${address.name}`;
  const words = ['kubectl', '--context', address.context];
  if (address.namespace) words.push('-n', address.namespace);
  words.push('get', resource, '-o', 'yaml');
  return words.map(shellQuote).join(' ');
}
