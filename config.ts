import { auditKeyFileOf, dataDir } from './embedded/paths';

/**
 * Every setting the processes read, with its default. The README's configuration table mirrors this list.
 */
export interface AppConfig {
  port: number;
  /** address the API listens on: loopback unless configured (the embedded default seeds published demo keys) */
  host: string;
  databaseUrl?: string;
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  publicBaseUrl: string;
  logLevel: string;
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    pass?: string;
    from: string;
    /** SMTP connections kept open and shared by all sends (0: a new connection per mail); default 5 */
    poolConnections?: number;
  };
  /** per-client request budget and brute-force guard; counted in Postgres so all API replicas share them */
  limits: { perClientPerMinute: number; authFailuresPer15Min: number; store?: 'postgres' | 'memory' };
  /** 书面通报 numbers read `<prefix>〔2026〕3号` (第三十六条 notices, numbered per year) */
  noticeNumberPrefix: string;
  /** signs the workbench session cookie; every API replica must share it (set SESSION_SECRET in production) */
  sessionSecret: string;
  /** the Ed25519 private key signing the audit digests (第二十四条): a file outside the database, mode 0600 */
  auditSigningKeyFile: string;
  /** audit entries older than this many days may be deleted (never under 730); undefined: kept for ever */
  auditRetentionDays?: number;
}

/** 第二十四条: share and query logs are kept for at least 2 years. */
export const MIN_AUDIT_RETENTION_DAYS = 730;

function retentionDays(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.AUDIT_RETENTION_DAYS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < MIN_AUDIT_RETENTION_DAYS)
    throw new Error(
      `环境变量 AUDIT_RETENTION_DAYS 应为不小于 ${MIN_AUDIT_RETENTION_DAYS} 的整数 (第二十四条: 日志至少保存 2 年), 实际为 "${raw}"。不设置则永久保存`,
    );
  return n;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`环境变量 ${name} 应为正整数, 实际为 "${raw}"`);
  return n;
}

/** Good enough for a loopback-only embedded default; production sets SESSION_SECRET (docker-compose does). */
const LOCAL_SESSION_SECRET = 'gxcase-local-session-secret-change-me';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = int(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'statutory-cases',
    publicBaseUrl: env.PUBLIC_BASE_URL || `http://127.0.0.1:${port}`,
    logLevel: env.LOG_LEVEL || 'info',
    smtp: {
      host: env.SMTP_HOST || '127.0.0.1',
      port: int(env, 'SMTP_PORT', 1025),
      secure: env.SMTP_SECURE === 'true',
      user: env.SMTP_USER || undefined,
      pass: env.SMTP_PASS || undefined,
      from: env.SMTP_FROM || '政务信息资源共享时限监督 <noreply@gxcase.local>',
      poolConnections: env.SMTP_POOL_CONNECTIONS === '0' ? 0 : int(env, 'SMTP_POOL_CONNECTIONS', 5),
    },
    limits: {
      perClientPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600),
      authFailuresPer15Min: int(env, 'AUTH_FAILURE_LIMIT', 30),
      store: env.RATE_LIMIT_STORE === 'memory' ? 'memory' : 'postgres',
    },
    noticeNumberPrefix: env.NOTICE_NUMBER_PREFIX || '内共享督',
    sessionSecret: env.SESSION_SECRET || LOCAL_SESSION_SECRET,
    // the embedded default keeps it next to its database under .data/, docker-compose on a mounted volume
    auditSigningKeyFile: auditKeyFileOf(env, dataDir),
    auditRetentionDays: retentionDays(env),
  };
}

export function requireSetting<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`缺少配置 ${name} (见 README 配置表)`);
  return value;
}
