import os from 'node:os';
import path from 'node:path';

/** Tests sign audit digests with a key in the temp dir, never in the repository's .data/ (made on first use). */
export function testAuditKeyFile(name = 'audit-signing-key.pem'): string {
  return path.join(os.tmpdir(), 'gxcase-test-audit', name);
}
