import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../../electron/engine/sandbox/certificate.js';

describe('the sandbox certificate', () => {
  it('is a valid X.509 certificate for 127.0.0.1 on every launch, whatever random serial it draws', () => {
    // A non-minimal serial encoding used to fail about one launch in 128; 600 launches make that
    // class of bug all but certain to show.
    for (let launch = 0; launch < 600; launch++) {
      const { certPem } = issueCertificate();
      const certificate = new X509Certificate(certPem);
      expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    }
  });
});
