import { useEngineStore } from '../../app/engine-store.js';

/** What an empty console means and exactly what to do about it. */
export function FirstRun() {
  const info = useEngineStore((s) => s.info);
  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">No sources configured</h2>
      <p>
        Daytwo shows what it can reach, and this engine has nothing to reach yet. Give it any of the following, then
        start Daytwo again:
      </p>
      <dl className="first-run-ways">
        <dt>Kubernetes</dt>
        <dd>
          Every context in the kubeconfig files named by <code>KUBECONFIG</code>, or in <code>~/.kube/config</code>.{' '}
          <span className="muted">
            Check with <code>kubectl config get-contexts</code>.
          </span>
        </dd>
        <dt>AWS</dt>
        <dd>
          Profiles in <code>~/.aws/config</code> and <code>~/.aws/credentials</code> (or the files named by{' '}
          <code>AWS_CONFIG_FILE</code> and <code>AWS_SHARED_CREDENTIALS_FILE</code>), SSO and assume-role profiles
          included; <code>AWS_PROFILE</code> picks the default.
        </dd>
        <dt>Prometheus</dt>
        <dd>
          Start with <code>--prometheus http://prometheus.example:9090</code>; repeat the flag for more servers.
        </dd>
      </dl>
      <p className="muted">
        {info?.sandbox
          ? 'This engine runs on the built-in sandbox estate.'
          : 'With nothing configured, Daytwo is designed to start on its built-in sandbox estate (simulated clusters, CloudWatch and Prometheus) so there is something to explore; this engine reports that no sandbox is running.'}
      </p>
    </section>
  );
}
