import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs on the build machines, so the production wiring is checked by reading the file.
const root = path.resolve(__dirname, '..', '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML

test('has every production service', () => {
  expect(Object.keys(services).sort()).toEqual([
    'api',
    'mailpit',
    'migrate',
    'postgres',
    'temporal',
    'temporal-ui',
    'worker',
  ]);
});

test('Temporal persists in PostgreSQL, not in memory or SQLite', () => {
  expect(services.temporal.environment.DB).toBe('postgres12');
  expect(services.temporal.environment.POSTGRES_SEEDS).toBe('postgres');
  expect(services.temporal.depends_on.postgres.condition).toBe('service_healthy');
});

test('api and workers reach the same Postgres, Temporal cluster and task queue, after migrations', () => {
  for (const name of ['api', 'worker']) {
    const env = services[name].environment;
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\/gxcase$/);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.TEMPORAL_TASK_QUEUE).toBe('statutory-cases');
    expect(env.SMTP_HOST).toBe('mailpit');
    expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
  }
  expect(services.migrate.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
});

test('workers scale out (more than one replica by default)', () => {
  expect(String(services.worker.deploy.replicas)).toMatch(/^\$\{WORKER_REPLICAS:-([2-9]|\d\d+)\}$/);
});

test('every environment variable the processes read is set for them', () => {
  const config = fs.readFileSync(path.join(root, 'config.ts'), 'utf8');
  const read = [
    ...[...config.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]),
    ...[...config.matchAll(/int\(env, '([A-Z_]+)'/g)].map((m) => m[1]),
  ];
  expect(read).toEqual(expect.arrayContaining(['DATABASE_URL', 'RATE_LIMIT_PER_MINUTE', 'SMTP_PORT']));
  const optional = new Set(['SMTP_SECURE', 'SMTP_USER', 'SMTP_PASS', 'LOG_LEVEL']);
  // settings only the API reads are set on the api service; the rest on both
  const apiOnly = new Set([
    'PORT',
    'HOST',
    'RATE_LIMIT_STORE',
    'RATE_LIMIT_PER_MINUTE',
    'AUTH_FAILURE_LIMIT',
    'SESSION_SECRET', // signs the workbench's session cookie, which only the API serves
    'NOTICE_NUMBER_PREFIX', // written notices are numbered where they are issued: the API
  ]);
  for (const name of read.filter((n) => !optional.has(n))) {
    expect([name, Object.keys(services.api.environment)]).toEqual([name, expect.arrayContaining([name])]);
    if (!apiOnly.has(name)) {
      expect([name, Object.keys(services.worker.environment)]).toEqual([
        name,
        expect.arrayContaining([name]),
      ]);
    }
  }
});

test('the init script creates the databases Temporal is told to use', () => {
  const init = fs.readFileSync(path.join(root, 'deploy', 'postgres-init.sql'), 'utf8');
  expect(init).toContain(`CREATE DATABASE ${services.temporal.environment.DBNAME};`);
  expect(init).toContain(`CREATE DATABASE ${services.temporal.environment.VISIBILITY_DBNAME};`);
});
