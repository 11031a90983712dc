/**
 * The golden signals of a traffic route's backends (Kubernetes Services), as a traffic-split
 * plan shows them and its verification watches them. The engine wires this to the metrics
 * service (metrics/backend-signals.ts), so operations ask through a seam and never build a
 * Prometheus client of their own.
 */
export interface BackendSignal {
  requestsPerSecond: number;
  /** 5xx over all requests; null with no requests. */
  errorRatio: number | null;
  p99Ms: number | null;
}

export interface BackendSignalReading {
  /** The metrics source the numbers came from, e.g. prometheus:http://…. */
  source: string;
  /** By Service name; a Service missing here had no series. */
  byService: Map<string, BackendSignal>;
}

export interface BackendSignals {
  /**
   * Each Service's signals now. `window`: over the last minute (rate), for a plan; `latest`:
   * over the last two scrapes (irate), for watching a change land. Null when no metrics source
   * covers the cluster.
   */
  read(cluster: string, namespace: string, services: readonly string[], mode: 'window' | 'latest'): Promise<BackendSignalReading | null>;
  /**
   * The queries that chart these Services' request and 5xx rates, one series per Service
   * (label `service`), for the metrics service to answer; null when no source covers them.
   */
  charts(cluster: string, namespace: string, services: readonly string[]): Promise<BackendCharts | null>;
}

export interface BackendCharts {
  source: string;
  requests: string;
  errors: string;
}
