import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { CloudWatchTopology } from '../../../electron/engine/providers/aws/cloudwatch-topology.js';
import { LoadBalancerLinks } from '../../../electron/engine/providers/aws/load-balancer-links.js';
import { accountId, cloudId, regionId } from '../../../shared/estate/ids.js';
import { tempDataDir } from './estate-fixtures.js';

// "An account count counts accounts": the objects that decide where a cluster sits (its
// kubeconfig cluster name and server, its nodes' providerID and region label) and the alarms a
// CloudWatch profile reads (their ARNs name the account), through the estate as the engine runs it.

const account = '123456789012';

let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let registry: SourceRegistry;
let state: EstateState;

beforeEach(() => {
  data = tempDataDir();
  db = data.open();
  registry = new SourceRegistry();
  state = new EstateState({ db, sources: registry, frameMs: 50 });
});

afterEach(() => {
  state.close();
  db.close();
  data.remove();
});

/** A cluster with its nodes, as its reflectors would hand them in. */
function cluster(name: string, hints: { clusterName: string; server: string }, region: string) {
  const estate = new ClusterEstate({ context: name, sourceId: `k8s:${name}`, sink: state, hints, now: () => 1_000 });
  const node = {
    metadata: { name: `${name}-node`, uid: `${name}-n`, labels: { 'topology.kubernetes.io/region': region } },
    spec: { providerID: `aws:///${region}a/i-0123456789abcdef0` },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
  estate.sinkFor('Node').replace([toRecord('Node', node)].filter((r): r is KubeRecord => r !== null));
}

/** A CloudWatch profile in one region whose alarms live in `account`. */
async function profile(name: string, region: string) {
  const sourceId = `aws:${name}/${region}`;
  registry.upsert({ id: sourceId, kind: 'aws', name, location: region, state: 'connecting', reason: '', lastSyncAt: null, enabled: true, sandbox: false });
  const alarm = { AlarmName: `${name}-5xx`, AlarmArn: `arn:aws:cloudwatch:${region}:${account}:alarm:${name}-5xx`, StateValue: 'OK', Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [] };
  const client = { send: async (command: unknown) => (command instanceof DescribeAlarmsCommand ? { MetricAlarms: [alarm] } : { Metrics: [] }) } as unknown as CloudWatchClient;
  const topology = new CloudWatchTopology({
    sourceId,
    profile: { name, region, endpointUrl: null, accountId: null, credentialKind: 'static keys' },
    client: () => client,
    sink: state,
    registry,
    links: new LoadBalancerLinks(),
  });
  await topology.poll();
}

describe('an account count counts accounts', () => {
  it('counts distinct account ids, not profiles, regions, sources or clusters outside any account', async () => {
    // An EKS cluster its kubeconfig names by ARN: account and region known.
    cluster('payments', { clusterName: `arn:aws:eks:eu-west-1:${account}:cluster/payments`, server: 'https://A1.gr7.eu-west-1.eks.amazonaws.com' }, 'eu-west-1');
    // An EKS cluster named by hand: its server and nodes say AWS and the region, nothing says the account.
    cluster('shop-prod-eks', { clusterName: 'shop-prod-eks', server: 'https://B2.gr7.us-east-1.eks.amazonaws.com' }, 'us-east-1');
    // Two profiles reach the same account in us-east-1, and one of them in eu-west-1 too.
    await profile('prod', 'us-east-1');
    await profile('prod-admin', 'us-east-1');
    await profile('prod', 'eu-west-1');
    state.flush();

    expect(state.get('k8s:shop-prod-eks')?.parentId).toBe(cloudId('aws'));
    const cloud = state.get(cloudId('aws'))!;
    expect(cloud.status).toMatchObject({ accounts: 1, children: 2 });
    expect(cloud.healthReason).toBe('1 account and 1 cluster outside any account, all healthy');

    const acct = state.get(accountId('aws', account))!;
    expect(acct.status).toMatchObject({ regions: 2 });
    expect(acct.healthReason).toBe('2 regions, all healthy');
    // The region holds the payments cluster and the alarms both profiles read (one entity per alarm name).
    expect(state.get(regionId('aws', account, 'us-east-1'))?.healthReason).toBe('2 resources, all healthy');
    expect(state.get(regionId('aws', account, 'eu-west-1'))?.healthReason).toBe('2 resources, all healthy');
  });

  it('an on-premises datacenter counts its clusters as clusters, not regions', () => {
    const estate = new ClusterEstate({ context: 'dc1', sourceId: 'k8s:dc1', sink: state, hints: { clusterName: 'dc1', server: 'https://10.1.0.1' }, now: () => 1_000 });
    const node = { metadata: { name: 'n1', uid: 'n1', labels: { 'topology.kubernetes.io/region': 'eu-central-dc1' } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    estate.sinkFor('Node').replace([toRecord('Node', node)].filter((r): r is KubeRecord => r !== null));
    state.flush();
    expect(state.get(accountId('onprem', 'eu-central-dc1'))).toMatchObject({ status: { regions: 0 }, healthReason: '1 cluster outside any region, all healthy' });
    expect(state.get(cloudId('onprem'))).toMatchObject({ status: { accounts: 1 }, healthReason: '1 account, all healthy' });
  });
});
