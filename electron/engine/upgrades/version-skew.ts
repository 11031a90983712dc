import { minorOf } from './api-removals.js';

/**
 * The Kubernetes version skew policy (https://kubernetes.io/releases/version-skew-policy/):
 * kube-apiserver upgrades one minor version at a time; a kubelet must never be newer than
 * kube-apiserver, and may be up to three minor versions older (two before 1.28). The control
 * plane is upgraded first, so each kubelet must already be within the skew of the target.
 */

export interface SkewNode {
  name: string;
  kubeletVersion: string;
}

export type SkewProblem =
  | { rule: 'target-not-ahead'; message: string }
  | { rule: 'one-minor-at-a-time'; message: string; via: string }
  | { rule: 'kubelet-newer-than-apiserver'; message: string; nodes: string[] }
  | { rule: 'kubelet-too-old-for-target'; message: string; nodes: string[] }
  | { rule: 'kubelet-behind-target'; message: string; nodes: string[] };

/** How many minors a kubelet may trail kube-apiserver at this apiserver minor. */
export function maxKubeletLag(apiserverMinor: number): number {
  return apiserverMinor >= 28 ? 3 : 2;
}

export function skewProblems(apiserverVersion: string, target: string, nodes: readonly SkewNode[]): SkewProblem[] {
  const current = minorOf(apiserverVersion);
  const to = minorOf(target);
  if (current === null || to === null) return [];
  const out: SkewProblem[] = [];
  // Equal is the second half of an upgrade: the control plane is done and the nodes catch up.
  if (to < current) out.push({ rule: 'target-not-ahead', message: `The control plane is at 1.${current}, past the target 1.${to}: Kubernetes does not downgrade.` });
  if (to > current + 1) {
    out.push({
      rule: 'one-minor-at-a-time',
      via: `1.${current + 1}`,
      message: `kube-apiserver upgrades one minor version at a time: go from 1.${current} to 1.${current + 1} first, then on to 1.${to}.`,
    });
  }
  const minorOfNode = (n: SkewNode) => minorOf(n.kubeletVersion);
  const newer = nodes.filter((n) => (minorOfNode(n) ?? 0) > current).map((n) => n.name);
  if (newer.length) out.push({ rule: 'kubelet-newer-than-apiserver', nodes: newer, message: `A kubelet newer than kube-apiserver (1.${current}) is not supported.` });
  // The control plane goes first, one minor at a time: the next step's apiserver is the one each kubelet must keep up with.
  const nextApiserver = Math.min(to, current + 1);
  const lag = maxKubeletLag(nextApiserver);
  const tooOld = nodes.filter((n) => {
    const m = minorOfNode(n);
    return m !== null && m < nextApiserver - lag;
  });
  if (tooOld.length) {
    out.push({
      rule: 'kubelet-too-old-for-target',
      nodes: tooOld.map((n) => n.name),
      message: `Once kube-apiserver is at 1.${nextApiserver}, kubelets older than 1.${nextApiserver - lag} are outside the supported skew (${lag} minor versions).`,
    });
  }
  const behind = nodes.filter((n) => {
    const m = minorOfNode(n);
    return m !== null && m < to && !tooOld.includes(n);
  });
  if (behind.length) {
    out.push({ rule: 'kubelet-behind-target', nodes: behind.map((n) => n.name), message: `These kubelets are older than 1.${to}: replace them with nodes at 1.${to} after the control plane.` });
  }
  return out;
}
