import fs from 'node:fs';
import type { Source } from '../../../shared/api/sources.js';
import type { EstateSink } from '../state/estate-sink.js';
import type { SettingsStore } from '../store/settings.js';
import { ClusterGroupSource } from './kubernetes/cluster-group-source.js';
import { groupContexts } from './kubernetes/cluster-identity.js';
import type { ClusterGroup } from './kubernetes/cluster-identity.js';
import type { BackoffOptions } from '../providers/kubernetes/reflector.js';
import { CloudWatchTopology } from '../providers/aws/cloudwatch-topology.js';
import { LoadBalancerLinks } from '../providers/aws/load-balancer-links.js';
import { PrometheusReachability } from '../providers/prometheus/reachability.js';
import { awsFiles, loadAwsProfiles } from '../connections/aws-profiles.js';
import type { AwsFiles, AwsProfile } from '../connections/aws-profiles.js';
import { kubeconfigPaths, loadKubeconfig } from '../connections/kubeconfig.js';
import type { KubeContext } from '../connections/kubeconfig.js';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import type { SourceRegistry } from './source-registry.js';
import { KubeClients } from './kubernetes/kube-clients.js';
import { WatchDecoder } from '../providers/kubernetes/watch-decoder.js';
import { CloudWatchClients } from './aws/cloudwatch-clients.js';
import type { Vault } from '../connections/vault.js';
import { alertmanagerSourceId, awsSourceId, kubeSourceId, prometheusSourceId } from '../../../shared/estate/ids.js';

/** Where connections come from. Every path is explicit so the embedded sandbox can point them at its files. */
export interface ConnectionSettings {
  /** Kubeconfig files in precedence order; default: KUBECONFIG, else ~/.kube/config. */
  kubeconfigFiles?: string[];
  /** AWS shared config and credentials files; default: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/*. */
  aws?: AwsFiles;
  /** Prometheus base URLs (--prometheus, repeatable). */
  prometheusUrls?: string[];
  /** Alertmanager base URLs (--alertmanager, repeatable). */
  alertmanagerUrls?: string[];
  /** PagerDuty connection files (connections/pagerduty-file.ts); the sandbox writes one. */
  pagerdutyFiles?: string[];
  /**
   * Kubeconfig files whose contexts only a second person approves with (runbooks' approval
   * steps): they are no estate source. The sandbox writes its second admin's here.
   */
  approverKubeconfigFiles?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface SourceTuning {
  inactivityMs?: number;
  backoff?: BackoffOptions;
  awsIntervalMs?: number;
  prometheusIntervalMs?: number;
  connectTimeoutMs?: number;
  /** How often kubeconfig files are checked for changes (ms); 0 turns it off. */
  kubeconfigPollMs?: number;
  /** How often the AWS config and credentials files are checked for changes (ms); default as kubeconfigPollMs; 0 turns it off. */
  awsConfigPollMs?: number;
  /** How often PagerDuty's incident list is read again (ms). */
  pagerdutyIntervalMs?: number;
}

export interface StartSourcesOptions {
  registry: SourceRegistry;
  sink: EstateSink;
  vault: Vault;
  settings: Pick<SettingsStore, 'get' | 'update'>;
  connections: ConnectionSettings;
  /** Mark every source as part of the built-in sandbox estate. */
  sandbox?: boolean;
  tuning?: SourceTuning;
  log?: (message: string) => void;
}

export interface RunningSources {
  /** Switches a source on or off, persists the choice, and starts or stops its provider. */
  setEnabled(id: string, enabled: boolean): Promise<Source>;
  /** Stops every provider; nothing keeps a connection open afterwards. */
  stop(): Promise<void>;
  /** How the metrics layer reaches a source (engine-internal: it holds credentials, never crosses the API). */
  connection(id: string): SourceConnection | undefined;
  /**
   * The one Kubernetes client of a context, as the kubeconfig was last (re)loaded: the estate's
   * watch, operations, logs, the object view, approvals and metrics all use it. Undefined when no
   * such context is configured; throws a KubeApiError when the context names no cluster.
   */
  kubeClient(context: string): KubeClient | undefined;
  /** The kubeconfig contexts as last (re)loaded: operations read them at every plan. */
  kubeContexts(): readonly KubeContext[];
  /** The clusters those contexts reach, each with its contexts. */
  clusterGroups(): ClusterGroup<KubeContext>[];
}

/**
 * A source's way in, for the metrics layer. Clients are asked for at each use: sources/ owns
 * them and renews them when the kubeconfig or the AWS files change.
 */
export type SourceConnection =
  | { kind: 'kubernetes'; clusterName: string; client(): KubeClient }
  | { kind: 'aws'; profile: AwsProfile; files: AwsFiles; cloudWatch(): CloudWatchClient }
  | { kind: 'prometheus'; url: string; token: () => string | undefined }
  | { kind: 'alertmanager'; url: string; token: () => string | undefined };

interface Provider {
  start(): void;
  stop(): Promise<void>;
}

/** A context's own entry runs nothing: its cluster's watch (ClusterGroupSource) does. */
const idle: Provider = { start: () => {}, stop: async () => {} };

interface Configured {
  source: Source;
  create: () => Provider;
  provider: Provider | null;
  connection?: SourceConnection;
}

/** The vault entry holding an Alertmanager's bearer token (behind an authenticating proxy). */
export function alertmanagerTokenName(url: string): string {
  return `alertmanager-token:${displayUrl(url)}`;
}

/** The vault entry holding a Prometheus server's bearer token. */
export function prometheusTokenName(url: string): string {
  return `prometheus-token:${displayUrl(url)}`;
}

/** A URL without user:password, for ids, names and logs. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * True when the machine has any real connection configured: a kubeconfig file with a
 * context, or an AWS config or credentials file. When false, the host starts the sandbox.
 */
export function hasConfiguredConnections(connections: ConnectionSettings = {}): boolean {
  const env = connections.env ?? process.env;
  const kube = loadKubeconfig(connections.kubeconfigFiles ?? kubeconfigPaths(env));
  if (kube.contexts.length > 0) return true;
  const files = connections.aws ?? awsFiles(env);
  return fs.existsSync(files.configFile) || fs.existsSync(files.credentialsFile);
}

/**
 * Loads every connection the user has (kubeconfig contexts, AWS profiles, Prometheus URLs),
 * registers each as a Source, and starts a provider for each one that is not switched off in
 * settings.disabledSources. Credentials stay inside the providers: a Source carries a name and
 * a location, never a token, key or certificate.
 */
export function startSources(options: StartSourcesOptions): RunningSources {
  const { registry, sink, settings, tuning = {} } = options;
  const log = options.log ?? (() => {});
  const env = options.connections.env ?? process.env;
  const links = new LoadBalancerLinks();
  const configured = new Map<string, Configured>();
  const sandbox = options.sandbox ?? false;
  /** One Kubernetes client per context and one CloudWatch client per profile and region, for everything in the engine. */
  const kubeClients = new KubeClients(tuning.connectTimeoutMs ? { connectTimeoutMs: tuning.connectTimeoutMs } : {});
  const cloudWatchClients = new CloudWatchClients();
  /** One worker thread reads every cluster's watch events (providers/kubernetes/watch-decoder.ts). */
  const watchDecoder = new WatchDecoder({ log });

  const kubeFiles = options.connections.kubeconfigFiles ?? kubeconfigPaths(env);
  const kube = loadKubeconfig(kubeFiles);
  for (const problem of kube.problems) log(`kubeconfig ${problem.file}: ${problem.message}`);
  /** Contexts as last loaded; operations read them at each plan, so a rewritten kubeconfig applies at once. */
  let kubeContexts: readonly KubeContext[] = kube.contexts;
  /** One watch per cluster (sources/kubernetes/cluster-identity.ts), by cluster key. */
  const clusters = new Map<string, { group: ClusterGroup<KubeContext>; signature: string; provider: ClusterGroupSource | null }>();
  /** The client of a context as the kubeconfig was last loaded. */
  const kubeClient = (name: string): KubeClient | undefined => {
    const context = kubeContexts.find((c) => c.name === name);
    return context ? kubeClients.for(context) : undefined;
  };
  const kubeEntry = (context: KubeContext): Configured => ({
    source: baseSource(kubeSourceId(context.name), 'kubernetes', context.name, context.server, sandbox),
    // A context is a way into its cluster; the cluster's watch is started per group below.
    create: () => idle,
    provider: null,
    connection: {
      kind: 'kubernetes',
      clusterName: context.clusterName,
      client: () => {
        const client = kubeClient(context.name);
        if (!client) throw new Error(`Context "${context.name}" is no longer in the kubeconfig.`);
        return client;
      },
    },
  });
  for (const context of kube.contexts) configured.set(kubeSourceId(context.name), kubeEntry(context));

  const awsFilesInUse = options.connections.aws ?? awsFiles(env);
  const awsEntry = (id: string, profile: AwsProfile): Configured => {
    const location = profile.endpointUrl ? `${profile.endpointUrl} (${profile.credentialKind})` : `CloudWatch ${profile.region} (${profile.credentialKind})`;
    const cloudWatch = () => cloudWatchClients.for(profile, awsFilesInUse);
    return {
      source: baseSource(id, 'aws', `${profile.name} · ${profile.region}`, location, sandbox),
      create: () => new CloudWatchTopology({ sourceId: id, profile, client: cloudWatch, sink, registry, links, intervalMs: tuning.awsIntervalMs }),
      provider: null,
      connection: { kind: 'aws', profile, files: awsFilesInUse, cloudWatch },
    };
  };
  const aws = loadAwsProfiles(awsFilesInUse, env);
  for (const problem of aws.problems) log(problem);
  for (const profile of aws.profiles) {
    const id = awsSourceId(profile.name, profile.region);
    configured.set(id, awsEntry(id, profile));
  }

  for (const url of options.connections.prometheusUrls ?? []) {
    const shown = displayUrl(url);
    const id = prometheusSourceId(shown);
    configured.set(id, {
      source: baseSource(id, 'prometheus', new URL(url).host, shown, sandbox),
      create: () =>
        new PrometheusReachability({
          sourceId: id,
          url: shown,
          registry,
          token: () => options.vault.get(prometheusTokenName(url)),
          intervalMs: tuning.prometheusIntervalMs,
        }),
      provider: null,
      connection: { kind: 'prometheus', url: shown, token: () => options.vault.get(prometheusTokenName(url)) },
    });
  }

  for (const url of options.connections.alertmanagerUrls ?? []) {
    const shown = displayUrl(url);
    const id = alertmanagerSourceId(shown);
    const token = () => options.vault.get(alertmanagerTokenName(url));
    configured.set(id, {
      source: baseSource(id, 'alertmanager', new URL(url).host, shown, sandbox),
      create: () =>
        new PrometheusReachability({
          sourceId: id,
          url: shown,
          registry,
          token,
          intervalMs: tuning.prometheusIntervalMs,
          // Alertmanager's API v2 status: https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
          probe: { path: 'api/v2/status', product: 'Alertmanager' },
        }),
      provider: null,
      connection: { kind: 'alertmanager', url: shown, token },
    });
  }

  function clusterProvider(group: ClusterGroup<KubeContext>): ClusterGroupSource | null {
    const disabledNow = new Set(settings.get().disabledSources);
    const enabled = group.contexts.filter((c) => !disabledNow.has(kubeSourceId(c.name))).map((c) => c.name);
    if (enabled.length === 0) return null;
    return new ClusterGroupSource({
      group,
      enabled,
      sink,
      registry,
      log,
      client: (context) => kubeClients.for(context),
      source: {
        inactivityMs: tuning.inactivityMs,
        backoff: tuning.backoff,
        onLoadBalancers: (sourceId, refs) => links.publish(sourceId, refs),
        decoder: watchDecoder,
      },
    });
  }

  /** (Re)starts the watch of every cluster whose contexts, credentials or switches changed. */
  async function syncClusters(): Promise<void> {
    const groups = groupContexts(kubeContexts);
    const disabledNow = new Set(settings.get().disabledSources);
    const seen = new Set<string>();
    for (const group of groups) {
      seen.add(group.key);
      const signature = JSON.stringify(group.contexts.map((c) => [definitionOf(c), disabledNow.has(kubeSourceId(c.name))]));
      const existing = clusters.get(group.key);
      if (existing?.signature === signature) continue;
      await existing?.provider?.stop();
      const provider = clusterProvider(group);
      clusters.set(group.key, { group, signature, provider });
      provider?.start();
    }
    for (const [key, entry] of clusters) {
      if (seen.has(key)) continue;
      clusters.delete(key);
      await entry.provider?.stop();
    }
  }

  const disabled = new Set(settings.get().disabledSources);
  for (const [id, entry] of configured) {
    const off = disabled.has(id);
    registry.upsert({
      ...entry.source,
      enabled: !off,
      state: off ? 'disabled' : 'connecting',
      reason: off ? 'Switched off in settings.' : 'Starting…',
    });
    if (!off && entry.source.kind !== 'kubernetes') {
      entry.provider = entry.create();
      entry.provider.start();
    }
  }
  let reloading: Promise<void> = syncClusters().catch((error: unknown) => log(`starting clusters failed: ${String(error)}`));

  /**
   * kubectl reads its kubeconfig on every command; a console that runs for days must notice
   * when it changes (a re-run `aws eks update-kubeconfig`, a rotated CA or token, a context
   * added or deleted). Polling stat is enough and survives editors that replace the file.
   */
  let kubeSignature = filesSignature(kubeFiles);
  const pollMs = tuning.kubeconfigPollMs ?? 5_000;
  const kubePoll = pollMs > 0 ? setInterval(() => {
    const signature = filesSignature(kubeFiles);
    if (signature === kubeSignature) return;
    kubeSignature = signature;
    reloading = reloading.then(() => reloadKubeconfig()).catch((error: unknown) => log(`kubeconfig reload failed: ${String(error)}`));
  }, pollMs) : null;
  kubePoll?.unref();

  async function reloadKubeconfig(): Promise<void> {
    const next = loadKubeconfig(kubeFiles);
    if (next.problems.length > 0) {
      // Half-written, or broken by an edit: keep what runs, and look again at the next poll
      // rather than dropping contexts a moment's parse failure made disappear.
      for (const problem of next.problems) log(`kubeconfig ${problem.file}: ${problem.message}`);
      kubeSignature = '';
      return;
    }
    kubeContexts = next.contexts;
    // A context whose definition changed gets a new client at its next use; a removed one none.
    kubeClients.retain(next.contexts.map((c) => c.name));
    const seen = new Set<string>();
    for (const context of next.contexts) {
      const id = kubeSourceId(context.name);
      seen.add(id);
      const existing = configured.get(id);
      configured.set(id, kubeEntry(context));
      const off = new Set(settings.get().disabledSources).has(id);
      if (!existing) registry.upsert({ ...baseSource(id, 'kubernetes', context.name, context.server, sandbox), enabled: !off, state: off ? 'disabled' : 'connecting', reason: off ? 'Switched off in settings.' : 'Starting…' });
      else registry.update(id, { location: context.server });
    }
    for (const [id, entry] of configured) {
      if (entry.source.kind !== 'kubernetes' || seen.has(id)) continue;
      // The context was deleted from the kubeconfig: it leaves the estate.
      configured.delete(id);
      links.forget(id);
      sink.forgetSource(id);
      registry.remove(id);
    }
    await syncClusters();
  }

  /**
   * The AWS config and credentials files are watched the same way: a profile added or removed
   * (an SSO login writing a new one, a region added), keys rotated, an endpoint or role changed.
   * Every CloudWatch client is renewed, since a rotated key changes nothing the profile list
   * shows, and each profile's discovery starts again on the files as they are now.
   */
  const awsFileList = [awsFilesInUse.configFile, awsFilesInUse.credentialsFile];
  let awsSignature = filesSignature(awsFileList);
  let awsReloading: Promise<void> = Promise.resolve();
  const awsPollMs = tuning.awsConfigPollMs ?? pollMs;
  const awsPoll = awsPollMs > 0 ? setInterval(() => {
    const signature = filesSignature(awsFileList);
    if (signature === awsSignature) return;
    awsSignature = signature;
    // Its own chain: a profile's discovery winding down never holds up a kubeconfig reload.
    awsReloading = awsReloading.then(() => reloadAws()).catch((error: unknown) => log(`AWS config reload failed: ${String(error)}`));
  }, awsPollMs) : null;
  awsPoll?.unref();

  async function reloadAws(): Promise<void> {
    const next = loadAwsProfiles(awsFilesInUse, env);
    for (const problem of next.problems) log(problem);
    cloudWatchClients.renew();
    const disabledNow = new Set(settings.get().disabledSources);
    const seen = new Set<string>();
    for (const profile of next.profiles) {
      const id = awsSourceId(profile.name, profile.region);
      seen.add(id);
      const existing = configured.get(id);
      const entry = awsEntry(id, profile);
      configured.set(id, entry);
      const off = disabledNow.has(id);
      if (!existing) {
        registry.upsert({ ...entry.source, enabled: !off, state: off ? 'disabled' : 'connecting', reason: off ? 'Switched off in settings.' : 'Starting…' });
      } else {
        registry.update(id, { name: entry.source.name, location: entry.source.location });
        await existing.provider?.stop();
      }
      if (!off) {
        entry.provider = entry.create();
        entry.provider.start();
      }
    }
    for (const [id, entry] of configured) {
      if (entry.source.kind !== 'aws' || seen.has(id)) continue;
      // The profile was deleted from the files: it leaves the estate.
      configured.delete(id);
      await entry.provider?.stop();
      links.forget(id);
      sink.forgetSource(id);
      registry.remove(id);
    }
  }

  return {
    async setEnabled(id, enabled) {
      const entry = configured.get(id);
      if (!entry) throw new Error(`There is no source "${id}".`);
      const current = new Set(settings.get().disabledSources);
      if (enabled) current.delete(id);
      else current.add(id);
      settings.update({ disabledSources: [...current] });
      if (entry.source.kind === 'kubernetes') {
        if (!enabled) {
          // Its objects leave the estate if it was the cluster's way in; another context takes over.
          sink.forgetSource(id);
          registry.update(id, { enabled: false, state: 'disabled', reason: 'Switched off in settings.', remedy: undefined });
        } else {
          registry.update(id, { enabled: true, state: 'connecting', reason: 'Starting…', remedy: undefined });
        }
        reloading = reloading.then(() => syncClusters()).catch((error: unknown) => log(`restarting a cluster failed: ${String(error)}`));
        await reloading;
        return registry.get(id)!;
      }
      if (enabled && !entry.provider) {
        registry.update(id, { enabled: true, state: 'connecting', reason: 'Starting…', remedy: undefined });
        entry.provider = entry.create();
        entry.provider.start();
      } else if (!enabled && entry.provider) {
        const provider = entry.provider;
        entry.provider = null;
        await provider.stop();
        links.forget(id);
        // A switched-off source's objects leave the estate; switching it on lists them afresh.
        sink.forgetSource(id);
        registry.update(id, { enabled: false, state: 'disabled', reason: 'Switched off in settings.', remedy: undefined });
      }
      return registry.get(id)!;
    },
    connection(id) {
      return configured.get(id)?.connection;
    },
    kubeClient,
    kubeContexts() {
      return kubeContexts;
    },
    clusterGroups() {
      return groupContexts(kubeContexts);
    },
    async stop() {
      if (kubePoll) clearInterval(kubePoll);
      if (awsPoll) clearInterval(awsPoll);
      await reloading;
      await awsReloading;
      const running = [...configured.values()].map((entry) => {
        const provider = entry.provider;
        entry.provider = null;
        return provider?.stop();
      });
      for (const entry of clusters.values()) running.push(entry.provider?.stop());
      clusters.clear();
      await Promise.all(running);
      cloudWatchClients.stop();
      await watchDecoder.close();
    },
  };
}

function baseSource(id: string, kind: Source['kind'], name: string, location: string, sandbox: boolean): Source {
  return { id, kind, name, location, state: 'connecting', reason: '', lastSyncAt: null, enabled: true, sandbox };
}

function definitionOf(context: KubeContext): string {
  return JSON.stringify([context.config.getCurrentCluster(), context.config.getCurrentUser(), context.namespace]);
}

function filesSignature(files: string[]): string {
  return files
    .map((file) => {
      try {
        const stat = fs.statSync(file);
        return `${file}:${stat.mtimeMs}:${stat.size}`;
      } catch {
        return `${file}:-`;
      }
    })
    .join('|');
}
