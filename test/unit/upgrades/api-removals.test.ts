import { describe, expect, it } from 'vitest';
import { API_REMOVALS, minorOf, removalFor, removalsAhead } from '../../../electron/engine/upgrades/api-removals.js';
import { blocksDrain, writtenAt } from '../../../electron/engine/upgrades/readiness.js';
import { maxKubeletLag, skewProblems } from '../../../electron/engine/upgrades/version-skew.js';

describe('the table of removed API versions', () => {
  it('holds the removals of the upstream deprecation guide, each with its replacement', () => {
    const at = (gv: string, kind: string) => removalFor(gv, kind)?.removedIn;
    expect(at('policy/v1beta1', 'PodDisruptionBudget')).toBe('1.25');
    expect(at('batch/v1beta1', 'CronJob')).toBe('1.25');
    expect(at('autoscaling/v2beta2', 'HorizontalPodAutoscaler')).toBe('1.26');
    expect(at('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema')).toBe('1.29');
    expect(at('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration')).toBe('1.32');
    expect(at('extensions/v1beta1', 'Ingress')).toBe('1.22');
    expect(removalFor('apps/v1', 'Deployment')).toBeUndefined();
    for (const r of API_REMOVALS) {
      expect(r.groupVersion).toMatch(/^[a-z0-9.]+\/v\d+(alpha|beta)\d+$/);
      expect(minorOf(r.removedIn)).not.toBeNull();
      expect(r.replacement).not.toBe(r.groupVersion);
    }
  });

  it('reads 1.x versions as their minor, whatever the vendor suffix', () => {
    expect(minorOf('v1.30.6-eks-7f9249a')).toBe(30);
    expect(minorOf('1.29')).toBe(29);
    expect(minorOf('v1.30.5-gke.1014001')).toBe(30);
    expect(minorOf('2.0')).toBeNull();
  });

  it('blocks on what the target removes and warns of what the next minors remove, not what is already gone', () => {
    const ahead = (from: string, to: string) => removalsAhead(from, to).map((v) => `${v.removal.groupVersion}/${v.removal.kind}:${v.blocksTarget ? 'blocks' : 'warns'}`);
    expect(ahead('1.30', '1.31')).toEqual([
      'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema:warns',
      'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration:warns',
    ]);
    expect(ahead('1.31', '1.32')).toEqual([
      'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema:blocks',
      'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration:blocks',
    ]);
    expect(ahead('1.24', '1.25')).toContain('policy/v1beta1/PodDisruptionBudget:blocks');
    expect(ahead('1.24', '1.25')).toContain('autoscaling/v2beta2/HorizontalPodAutoscaler:warns');
    expect(ahead('1.25', '1.26')).not.toContain('policy/v1beta1/PodDisruptionBudget:blocks');
    expect(ahead('1.32', '1.33')).toEqual([]);
  });

  it("judges an object by every version it was written at: its own, kubectl's last-applied and its field managers'", () => {
    const versions = writtenAt({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      metadata: {
        name: 'x',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema' }) },
        managedFields: [{ manager: 'helm', apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2' }],
      },
    });
    expect(versions).toEqual(['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3', 'flowcontrol.apiserver.k8s.io/v1beta2']);
    expect(writtenAt({ metadata: { name: 'y', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'not json' } } })).toEqual([]);
  });

  it('knows a budget that blocks every drain', () => {
    const pdb = (spec: object, status: object) => ({ metadata: { name: 'p' }, spec, status }) as never;
    expect(blocksDrain(pdb({ minAvailable: 2 }, { expectedPods: 2, disruptionsAllowed: 0 }))).toBe(true);
    expect(blocksDrain(pdb({ maxUnavailable: 0 }, { expectedPods: 3, disruptionsAllowed: 1 }))).toBe(true);
    expect(blocksDrain(pdb({ minAvailable: '100%' }, { expectedPods: 3, disruptionsAllowed: 1 }))).toBe(true);
    expect(blocksDrain(pdb({ maxUnavailable: 1 }, { expectedPods: 3, disruptionsAllowed: 1 }))).toBe(false);
    // A budget over nothing blocks nothing.
    expect(blocksDrain(pdb({ minAvailable: 1 }, { expectedPods: 0, disruptionsAllowed: 0 }))).toBe(false);
  });
});

describe('the version skew policy', () => {
  const nodes = (...versions: string[]) => versions.map((v, i) => ({ name: `n${i}`, kubeletVersion: v }));
  const rules = (api: string, target: string, ...kubelets: string[]) => skewProblems(api, target, nodes(...kubelets)).map((p) => ('nodes' in p ? `${p.rule}:${p.nodes.join(',')}` : p.rule));

  it('lets kubelets trail kube-apiserver by three minors from 1.28, two before', () => {
    expect(maxKubeletLag(28)).toBe(3);
    expect(maxKubeletLag(27)).toBe(2);
  });

  it('asks for one control-plane minor at a time, and never a downgrade', () => {
    expect(rules('v1.29.10', '1.31', 'v1.29.10')).toContain('one-minor-at-a-time');
    expect(rules('v1.29.10', '1.28', 'v1.28.1')).toContain('target-not-ahead');
    // Equal: the control plane is done and the nodes catch up.
    expect(rules('v1.30.6', '1.30', 'v1.29.10')).toEqual(['kubelet-behind-target:n0']);
  });

  it('refuses a kubelet newer than kube-apiserver, and one the next control plane leaves outside the skew', () => {
    expect(rules('v1.29.10', '1.30', 'v1.30.1', 'v1.29.10')).toEqual(['kubelet-newer-than-apiserver:n0', 'kubelet-behind-target:n1']);
    // Next apiserver 1.30 allows kubelets down to 1.27; a 1.26 kubelet must go first.
    expect(rules('v1.29.10', '1.30', 'v1.26.3', 'v1.27.9')).toEqual(['kubelet-too-old-for-target:n0', 'kubelet-behind-target:n1']);
    // At 1.27 the window was two minors: a 1.24 kubelet is out when the apiserver reaches 1.27.
    expect(rules('v1.26.1', '1.27', 'v1.24.0', 'v1.25.0')).toEqual(['kubelet-too-old-for-target:n0', 'kubelet-behind-target:n1']);
    expect(rules('v1.30.6', '1.31', 'v1.31.0')).toEqual(['kubelet-newer-than-apiserver:n0']);
  });
});
