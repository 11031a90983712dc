import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigPaths, loadKubeconfig } from '../../../electron/engine/connections/kubeconfig.js';
import { awsFiles, loadAwsProfiles } from '../../../electron/engine/connections/aws-profiles.js';
import { verdictFor } from '../../../electron/engine/providers/source-status.js';
import { LoadBalancerLinks, loadBalancerNameFromDns } from '../../../electron/engine/providers/aws/load-balancer-links.js';
import { awsFailure, resourceFromDimension } from '../../../electron/engine/providers/aws/cloudwatch-topology.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-connections-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('kubeconfig files, merged as kubectl merges them', () => {
  it('takes KUBECONFIG’s paths in order, else ~/.kube/config', () => {
    expect(kubeconfigPaths({ KUBECONFIG: ['/a', '', '/b'].join(path.delimiter) }, '/home/x')).toEqual(['/a', '/b']);
    expect(kubeconfigPaths({}, '/home/x')).toEqual(['/home/x/.kube/config']);
  });

  it('lets the first file win for a name, takes current-context from the first that sets one, and resolves relative paths per file', () => {
    const first = write(
      'one/config',
      `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: { server: https://prod.example.com, certificate-authority: ca.pem }
users:
- name: alice
  user: { token: first-token }
contexts:
- name: prod
  context: { cluster: prod, user: alice, namespace: shop }
`,
    );
    const second = write(
      'two/config',
      `apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: prod
  cluster: { server: https://impostor.example.com }
- name: staging
  cluster: { server: https://staging.example.com }
users:
- name: alice
  user: { token: second-token }
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, staging]
contexts:
- name: prod
  context: { cluster: staging, user: eks }
- name: staging
  context: { cluster: staging, user: eks }
`,
    );
    const loaded = loadKubeconfig([first, path.join(dir, 'missing'), second]);
    expect(loaded.files).toEqual([first, second]);
    expect(loaded.currentContext).toBe('staging');
    expect(loaded.contexts.map((c) => [c.name, c.server, c.user, c.namespace])).toEqual([
      ['prod', 'https://prod.example.com', 'alice', 'shop'],
      ['staging', 'https://staging.example.com', 'eks', null],
    ]);
    const prod = loaded.contexts[0]!;
    expect(prod.config.getCurrentUser()?.token).toBe('first-token');
    expect(prod.config.getCurrentCluster()?.caFile).toBe(path.join(dir, 'one', 'ca.pem'));
    expect(loaded.contexts[1]!.config.getCurrentUser()?.exec?.command).toBe('aws');
  });

  it('reports a broken file and still loads the others', () => {
    const broken = write('broken/config', 'clusters: [ {');
    const good = write('good/config', 'apiVersion: v1\nclusters: [{name: c, cluster: {server: "https://c"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n');
    const loaded = loadKubeconfig([broken, good]);
    expect(loaded.contexts.map((c) => c.name)).toEqual(['c']);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]!.file).toBe(broken);
  });
});

describe('AWS profiles from the shared config and credentials files', () => {
  it('finds every profile with its region, endpoint_url and account, and never reads a secret into it', () => {
    const files = {
      configFile: write(
        'aws/config',
        `[default]
region = eu-west-1

[profile sandbox]
region = us-east-1
endpoint_url = http://127.0.0.1:4566
aws_account_id = 111122223333

[profile sso-prod]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = ReadOnly
region = eu-central-1

[profile ops]
role_arn = arn:aws:iam::777788889999:role/ops
source_profile = default
services = local-cw

[services local-cw]
cloudwatch =
  endpoint_url = http://localhost:9999

[profile nowhere]
output = json
`,
      ),
      credentialsFile: write('aws/credentials', '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrEXAMPLEKEY\n'),
    };
    const { profiles, problems } = loadAwsProfiles(files, { AWS_REGION: 'ap-south-1' });
    const byName = Object.fromEntries(profiles.map((p) => [p.name, p]));
    expect(byName.default).toMatchObject({ region: 'eu-west-1', endpointUrl: null, credentialKind: 'static keys' });
    expect(byName.sandbox).toMatchObject({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4566', accountId: '111122223333' });
    expect(byName['sso-prod']).toMatchObject({ accountId: '444455556666', credentialKind: 'SSO' });
    expect(byName.ops).toMatchObject({ region: 'ap-south-1', accountId: '777788889999', endpointUrl: 'http://localhost:9999', credentialKind: 'assume role' });
    expect(byName.nowhere?.region).toBe('ap-south-1');
    expect(problems).toEqual([]);
    expect(JSON.stringify(profiles)).not.toContain('wJalrEXAMPLEKEY');
    expect(JSON.stringify(profiles)).not.toContain('AKIDEXAMPLE');
  });

  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', () => {
    expect(awsFiles({ AWS_CONFIG_FILE: '/c', AWS_SHARED_CREDENTIALS_FILE: '/k' }, '/home/x')).toEqual({ configFile: '/c', credentialsFile: '/k' });
    expect(awsFiles({}, '/home/x')).toEqual({ configFile: '/home/x/.aws/config', credentialsFile: '/home/x/.aws/credentials' });
  });
});

describe('why a source is not live, and what to do', () => {
  it('names a missing credential plugin', () => {
    const v = verdictFor({ status: 0, code: 'ENOENT', message: 'The credential plugin "gke-gcloud-auth-plugin" is not installed or not on PATH.' }, 'Cluster gke', 'kubernetes');
    expect(v.state).toBe('unauthorized');
    expect(v.reason).toContain('Credential plugin missing');
    expect(v.remedy).toContain('PATH');
  });

  it('calls 401 an expired or revoked token, and an unreachable server offline', () => {
    expect(verdictFor({ status: 401, message: 'Unauthorized' }, 'Cluster prod', 'kubernetes')).toMatchObject({ state: 'unauthorized' });
    expect(verdictFor({ status: 0, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'Cluster prod', 'kubernetes')).toMatchObject({ state: 'offline' });
    expect(verdictFor(awsFailure(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException', $metadata: { httpStatusCode: 400 } })), 'profile p', 'aws')).toMatchObject({
      state: 'unauthorized',
      reason: 'Expired credentials for profile p.',
    });
  });
});

describe('AWS resources from CloudWatch dimensions, and the Kubernetes objects behind them', () => {
  it('reads load balancers, databases and EKS node groups from dimension values', () => {
    expect(resourceFromDimension('LoadBalancer', 'app/k8s-shop-web-1a2b3c/50dc6c495c0c9188')).toMatchObject({ type: 'alb', name: 'k8s-shop-web-1a2b3c' });
    expect(resourceFromDimension('LoadBalancer', 'net/edge/0123')).toMatchObject({ type: 'nlb', name: 'edge' });
    expect(resourceFromDimension('DBInstanceIdentifier', 'orders-db')).toMatchObject({ type: 'rds', name: 'orders-db' });
    expect(resourceFromDimension('AutoScalingGroupName', 'eks-general-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d')).toMatchObject({ type: 'nodegroup', name: 'general' });
    expect(resourceFromDimension('TargetGroup', 'targetgroup/x/1')).toBeNull();
  });

  it('matches a load balancer to an ingress by its DNS name first, by the controller’s naming scheme otherwise', () => {
    expect(loadBalancerNameFromDns('internal-k8s-shop-web-1a2b3c-123456.eu-west-1.elb.amazonaws.com')).toBe('k8s-shop-web-1a2b3c');
    const links = new LoadBalancerLinks();
    links.publish('k8s:a', [
      { entityId: 'ing-web', kind: 'ingress', namespace: 'shop', name: 'web', addresses: [], explicitName: null, groupName: null },
      { entityId: 'ing-api', kind: 'ingress', namespace: 'shop', name: 'api', addresses: ['k8s-shop-web-1a2b3c-99.eu-west-1.elb.amazonaws.com'], explicitName: null, groupName: null },
    ]);
    expect(links.targetsOf('k8s-shop-web-1a2b3c')).toEqual(['ing-api']);
    expect(links.targetsOf('k8s-shop-web-ffffff')).toEqual(['ing-web']);
    expect(links.targetsOf('k8s-other-thing-1')).toEqual([]);
  });
});
