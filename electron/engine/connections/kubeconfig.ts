import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from './client-node.js';
import type { Cluster, Context, User } from './client-node.js';

/** One kubeconfig context, ready to connect with. Holds credentials: never leaves the engine. */
export interface KubeContext {
  /** The context's name, as `kubectl config get-contexts` shows it. */
  name: string;
  clusterName: string;
  server: string;
  user: string;
  namespace: string | null;
  /** A KubeConfig whose current context is this one. */
  config: KubeConfig;
  /** The file this context came from. */
  file: string;
  /**
   * Who the cluster is, whatever it is called: its server URL and the CA it is trusted by,
   * hashed. Contexts with the same identity reach one cluster (an admin and a viewer, an SSO
   * and a break-glass user) and are shown as one (sources/kubernetes/cluster-identity.ts).
   */
  clusterIdentity: string;
}

export interface KubeconfigLoad {
  contexts: KubeContext[];
  currentContext: string | null;
  /** The files that were read, in precedence order. */
  files: string[];
  /** Files named but unreadable or invalid, with why; the rest still load. */
  problems: { file: string; message: string }[];
}

/**
 * The kubeconfig files in effect, as kubectl finds them: the paths in KUBECONFIG (separated by
 * the platform's path delimiter; empty entries ignored), else ~/.kube/config.
 * https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#the-kubeconfig-environment-variable
 */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const fromEnv = env.KUBECONFIG;
  if (fromEnv && fromEnv.length > 0) return fromEnv.split(path.delimiter).filter((p) => p.length > 0);
  return [path.join(home, '.kube', 'config')];
}

/**
 * Loads and merges kubeconfig files the way kubectl does: for clusters, users and contexts the
 * first file to define a name wins, later definitions of that name are ignored (client-node's
 * own merge throws on duplicates instead), and current-context comes from the first file that
 * sets one. Relative paths inside a file (certificate-authority, exec command …) resolve against
 * that file's folder. A missing file is skipped silently, as kubectl does.
 * https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files
 */
export function loadKubeconfig(files: string[]): KubeconfigLoad {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, { context: Context; file: string }>();
  let currentContext: string | null = null;
  const read: string[] = [];
  const problems: KubeconfigLoad['problems'] = [];

  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      problems.push({ file, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
      continue;
    }
    read.push(file);
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, { context: c, file });
    if (!currentContext && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
  }

  const out: KubeContext[] = [];
  for (const { context, file } of contexts.values()) {
    const cluster = clusters.get(context.cluster);
    const user = users.get(context.user);
    if (!cluster) {
      problems.push({ file, message: `Context "${context.name}" names cluster "${context.cluster}", which no kubeconfig file defines.` });
      continue;
    }
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [cluster],
      users: user ? [user] : [],
      contexts: [context],
      currentContext: context.name,
    });
    out.push({
      clusterIdentity: identityOf(cluster, file),
      name: context.name,
      clusterName: cluster.name,
      server: cluster.server,
      user: context.user,
      namespace: context.namespace ?? null,
      config,
      file,
    });
  }
  return { contexts: out, currentContext, files: read, problems };
}

/**
 * The server URL (without a trailing slash) and the CA bytes (inline data, or the file's
 * contents) hashed together. A context that skips TLS verification has no CA to tell clusters
 * apart by, so the flag is part of the identity: it never merges with a verified context.
 */
function identityOf(cluster: Cluster, file: string): string {
  let ca = cluster.caData ?? '';
  if (!ca && cluster.caFile) {
    try {
      ca = fs.readFileSync(path.resolve(path.dirname(file), cluster.caFile)).toString('base64');
    } catch {
      ca = `unreadable:${cluster.caFile}`;
    }
  }
  const hash = createHash('sha256');
  hash.update(cluster.server.replace(/\/+$/, ''));
  hash.update('\0');
  hash.update(ca.replace(/\s+/g, ''));
  hash.update(cluster.skipTLSVerify ? '\0insecure' : '');
  return hash.digest('hex').slice(0, 32);
}
