import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One AWS profile and region to watch. Holds no secret: credentials are resolved by the SDK's
 * own provider chain (static keys, SSO, assume-role, credential_process) from the same files.
 */
export interface AwsProfile {
  name: string;
  region: string;
  /** endpoint_url from the profile (or its services section for CloudWatch), if any. */
  endpointUrl: string | null;
  /** The account, when the profile states it (aws_account_id, sso_account_id, role_arn). */
  accountId: string | null;
  /** How credentials come, for a person to recognise: "static keys", "SSO", "assume role" … */
  credentialKind: string;
}

export interface AwsFiles {
  configFile: string;
  credentialsFile: string;
}

/**
 * The shared config and credentials files, as the SDK and CLI find them: AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
 * https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
 */
export function awsFiles(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): AwsFiles {
  return {
    configFile: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  };
}

type Sections = Map<string, Record<string, string>>;

/**
 * The INI dialect of the shared files (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html):
 * `[name]` sections, `key = value` lines, `#`/`;` comments, and indented lines that belong to a
 * nested property (`s3 =` followed by indented keys), which are kept as `parent.key`.
 */
export function parseIni(text: string): Sections {
  const sections: Sections = new Map();
  let current: Record<string, string> | null = null;
  let nestedParent: string | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/\s[#;].*$/, '');
    if (/^\s*([#;].*)?$/.test(line)) continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      nestedParent = null;
      continue;
    }
    if (!current) continue;
    const pair = /^(\s*)([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    const [, indent, key, value] = pair as unknown as [string, string, string, string];
    if (indent.length > 0 && nestedParent) {
      current[`${nestedParent}.${key.trim()}`] = value.trim();
    } else if (value.trim() === '') {
      nestedParent = key.trim();
    } else {
      nestedParent = null;
      current[key.trim()] = value.trim();
    }
  }
  return sections;
}

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Every profile the shared files define, each with its region. A profile without a region
 * takes AWS_REGION / AWS_DEFAULT_REGION, as the SDK would; one with no region at all is
 * reported in `problems`, since CloudWatch is regional.
 */
export function loadAwsProfiles(
  files: AwsFiles,
  env: NodeJS.ProcessEnv = process.env,
): { profiles: AwsProfile[]; problems: string[]; found: boolean } {
  const configText = read(files.configFile);
  const credentialsText = read(files.credentialsFile);
  const config = parseIni(configText ?? '');
  const credentials = parseIni(credentialsText ?? '');
  const merged = new Map<string, Record<string, string>>();
  // In the config file profiles are `[profile name]` except `[default]`; in the credentials file, `[name]`.
  for (const [section, values] of config) {
    const name = section === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section)?.[1]?.trim();
    if (name) merged.set(name, { ...values });
  }
  for (const [name, values] of credentials) merged.set(name, { ...(merged.get(name) ?? {}), ...values });

  const profiles: AwsProfile[] = [];
  const problems: string[] = [];
  const envRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || null;
  for (const [name, values] of merged) {
    const region = values.region ?? (name === (env.AWS_PROFILE || 'default') ? envRegion : null) ?? envRegion;
    if (!region) {
      problems.push(`AWS profile "${name}" names no region; add region = … to it to watch its CloudWatch.`);
      continue;
    }
    profiles.push({
      name,
      region,
      endpointUrl: endpointUrlOf(values, config),
      accountId: accountOf(values),
      credentialKind: credentialKindOf(values),
    });
  }
  return { profiles, problems, found: configText !== null || credentialsText !== null };
}

/**
 * Service-specific endpoints from a profile: the `services` section's `cloudwatch.endpoint_url`
 * first, then the profile's own `endpoint_url`, unless ignore_configured_endpoint_urls is set.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
function endpointUrlOf(profile: Record<string, string>, config: Sections): string | null {
  if (profile.ignore_configured_endpoint_urls === 'true') return null;
  if (profile.services) {
    const services = config.get(`services ${profile.services}`);
    const url = services?.['cloudwatch.endpoint_url'];
    if (url) return url;
  }
  return profile.endpoint_url ?? null;
}

/** aws_account_id (account-based endpoints), an SSO profile's sso_account_id, or the account in role_arn. */
function accountOf(profile: Record<string, string>): string | null {
  const direct = profile.aws_account_id ?? profile.sso_account_id;
  if (direct && /^\d{12}$/.test(direct)) return direct;
  const fromRole = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(profile.role_arn ?? '')?.[1];
  return fromRole ?? null;
}

function credentialKindOf(profile: Record<string, string>): string {
  if (profile.role_arn) return 'assume role';
  if (profile.sso_session || profile.sso_start_url) return 'SSO';
  if (profile.credential_process) return 'credential process';
  if (profile.aws_access_key_id) return 'static keys';
  return 'default chain';
}
