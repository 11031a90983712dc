/**
 * The engine's one import of @kubernetes/client-node, which it uses for KubeConfig alone: reading
 * kubeconfig files and authenticating as their users (certificates, tokens, exec plugins, OIDC).
 * Importing the package loads its ~1,000 generated API modules, 0.8 s of the engine's start on
 * the bench's machine; the build (scripts/bundle-client-node.mjs) replaces this file's output
 * with KubeConfig and what it needs bundled into one module, which loads in about a fifth of
 * that. The tests run this source, and so the package itself.
 */
export { KubeConfig } from '@kubernetes/client-node';
export type { Cluster, Context, User } from '@kubernetes/client-node';
