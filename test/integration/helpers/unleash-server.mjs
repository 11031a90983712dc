// Runs a real unleash-server (npm, test-only) in its own process, so its schedulers and
// process listeners never share the test runner's. Started by helpers/unleash.ts; the
// configuration arrives as one JSON argument and "ready <port>" is printed once it listens.
import { start, LogLevel } from 'unleash-server';

const config = JSON.parse(process.argv[2] ?? '{}');
const unleash = await start({
  db: { host: config.dbHost, port: config.dbPort, user: config.dbUser, password: '', database: config.dbName, ssl: false, pool: { min: 0, max: 4 } },
  server: { port: config.port, host: '127.0.0.1' },
  logLevel: LogLevel.warn,
  authentication: {
    type: 'open-source',
    createAdminUser: false,
    // An admin API token made at start-up, as INIT_ADMIN_API_TOKENS would: the Admin API's way in.
    initApiTokens: [{ tokenName: 'daytwo-test', type: 'admin', projects: ['*'], environment: '*', secret: config.adminToken }],
  },
  versionCheck: { enable: false },
  sendTelemetry: false,
});
process.stdout.write(`ready ${config.port}\n`);
const stop = async () => {
  await unleash.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
