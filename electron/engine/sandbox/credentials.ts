import { randomBytes } from 'node:crypto';

/**
 * The sandbox's secrets, new on every launch. The seed decides the estate, never the secrets:
 * a token derived from a seed anyone can read is a token anyone can compute.
 */
export interface LaunchCredentials {
  /** Bearer token for the plain-HTTP admin endpoints under /sandbox/. */
  adminToken: string;
  /** The AWS profile's key pair; CloudWatch calls must be signed with this access key id. */
  aws: { accessKeyId: string; secretAccessKey: string };
  /** Bearer tokens for the Kubernetes API's users: the admin, the viewer, and the second admin who approves. */
  kube: { admin: string; viewer: string; approver: string };
}

export function launchCredentials(): LaunchCredentials {
  return {
    adminToken: randomBytes(24).toString('base64url'),
    // Shaped like AWS's own: AKIA and 16 upper-case base-32 characters; a 40-character secret.
    aws: { accessKeyId: `AKIA${base32(randomBytes(10))}`, secretAccessKey: randomBytes(30).toString('base64') },
    kube: { admin: `admin-${randomBytes(16).toString('hex')}`, viewer: `viewer-${randomBytes(16).toString('hex')}`, approver: `approver-${randomBytes(16).toString('hex')}` },
  };
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
