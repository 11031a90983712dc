import { describe, expect, it } from 'vitest';
import { serviceVerdict } from '../../../electron/engine/providers/kubernetes/health.js';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { EndpointsRecord, ServiceRecord } from '../../../electron/engine/providers/kubernetes/records.js';

// Each rule with the Kubernetes objects that trigger it, as the API server returns them.
const meta = { name: 'web', namespace: 'shop', uid: 'u1' };
const service = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => toRecord('Service', { metadata: meta, spec, status }) as ServiceRecord;
const endpoints = (subsets: unknown[]) => toRecord('Endpoints', { metadata: meta, subsets }) as EndpointsRecord;
const address = (ip: string) => ({ ip, targetRef: { kind: 'Pod', name: `web-${ip}`, namespace: 'shop' } });

describe('a Service’s health, from its Endpoints', () => {
  const clusterIp = service({ type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80 }] });

  it('is healthy with ready addresses, and says how many are not ready', () => {
    expect(serviceVerdict(clusterIp, endpoints([{ addresses: [address('10.0.0.1'), address('10.0.0.2')], ports: [{ port: 80 }] }]))).toEqual({
      health: 'healthy',
      reason: '2 ready endpoints',
    });
    expect(serviceVerdict(clusterIp, endpoints([{ addresses: [address('10.0.0.1')], notReadyAddresses: [address('10.0.0.2')] }])).reason).toBe(
      '1 ready endpoint, 1 not ready',
    );
  });

  it('fails with no ready address: scaled to 0 (no subsets) or every pod not ready', () => {
    expect(serviceVerdict(clusterIp, endpoints([]))).toEqual({ health: 'failing', reason: 'no ready endpoints behind it' });
    expect(serviceVerdict(clusterIp, endpoints([{ notReadyAddresses: [address('10.0.0.1')] }]))).toEqual({
      health: 'failing',
      reason: 'no ready endpoints behind it (1 not ready)',
    });
  });

  it('is unknown until its Endpoints are seen', () => {
    expect(serviceVerdict(clusterIp, undefined)).toEqual({ health: 'unknown', reason: 'no Endpoints seen for it yet' });
  });

  it('a LoadBalancer without an address is waiting for one, not degraded', () => {
    const lb = service({ type: 'LoadBalancer', selector: { app: 'web' } }, { loadBalancer: {} });
    expect(serviceVerdict(lb, endpoints([{ addresses: [address('10.0.0.1')] }]))).toEqual({
      health: 'healthy',
      reason: '1 ready endpoint; waiting for a load-balancer address',
    });
    const assigned = service({ type: 'LoadBalancer', selector: { app: 'web' } }, { loadBalancer: { ingress: [{ hostname: 'a.elb.amazonaws.com' }] } });
    expect(serviceVerdict(assigned, endpoints([{ addresses: [address('10.0.0.1')] }])).reason).toBe('1 ready endpoint');
  });

  it('an ExternalName Service is a DNS alias, healthy without endpoints', () => {
    expect(serviceVerdict(service({ type: 'ExternalName', externalName: 'db.example.com' }), undefined).health).toBe('healthy');
  });

  it('a Service without a selector trusts endpoints managed elsewhere, and is unknown without them', () => {
    const manual = service({ type: 'ClusterIP', ports: [{ port: 5432 }] });
    expect(serviceVerdict(manual, undefined).health).toBe('unknown');
    expect(serviceVerdict(manual, endpoints([{ addresses: [address('192.168.1.10')] }])).health).toBe('healthy');
    expect(serviceVerdict(manual, endpoints([])).health).toBe('unknown');
  });
});
