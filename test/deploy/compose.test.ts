import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from '../../embedded/paths';
import { clusterEnv } from '../../embedded/temporal-cluster';

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
    'temporal-namespace',
    'temporal-schema',
    'temporal-ui',
    'worker',
  ]);
});

const template = fs.readFileSync(path.join(root, 'deploy', 'temporal', 'config.yaml'), 'utf8');
/** variables the server reads while rendering the template, and those it has no default for */
const templateVars = [...template.matchAll(/\(env "([A-Z_]+)"\)|\{\{ env "([A-Z_]+)" \}\}/g)].map(
  (m) => m[1] ?? m[2],
);
const optionalVars = new Set([...template.matchAll(/if env "([A-Z_]+)"/g)].map((m) => m[1]));
const requiredVars = [...template.matchAll(/\{\{ env "([A-Z_]+)" \}\}/g)]
  .map((m) => m[1])
  .filter((name) => !optionalVars.has(name));

test('Temporal runs the server image (not the deprecated auto-setup) at the version start:cluster builds', () => {
  const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
  expect(services.temporal.image).toBe(`temporalio/server:${version}`);
  expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${version}`);
  expect(services['temporal-namespace'].image).toBe(`temporalio/admin-tools:${version}`);
  expect(services['temporal-ui'].image).toBe(`temporalio/ui:${TEMPORAL_UI_SERVER_VERSION.replace(/^v/, '')}`);
  expect(JSON.stringify(compose)).not.toContain('auto-setup');
});

test('the server and npm run start:cluster share one config template, persisting in PostgreSQL', () => {
  expect(template.split('\n')[0]).toBe('# enable-template'); // the server renders it only with this first line
  expect(template.match(/pluginName: postgres12/g)).toHaveLength(2);
  expect(template).toMatch(/defaultStore: postgres-default\n\s+visibilityStore: postgres-visibility/);
  for (const name of ['temporal', 'temporal-schema', 'temporal-namespace']) {
    expect(services[name].volumes).toContain('./deploy/temporal:/etc/temporal/gxcase:ro');
  }
  const env = services.temporal.environment;
  expect(env.TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe('/etc/temporal/gxcase/config.yaml');
  expect(env.DYNAMIC_CONFIG_FILE_PATH).toBe('/etc/temporal/gxcase/dynamicconfig.yaml');
  expect(env.POSTGRES_SEEDS).toBe('postgres');
  // what the template cannot default (credentials) is set on both paths
  const local = clusterEnv({ host: '127.0.0.1', port: 5432, user: 'u', password: 'p' }, 7233);
  for (const name of requiredVars) {
    expect([name, env[name]]).toEqual([name, expect.any(String)]);
    expect([name, local[name]]).toEqual([name, expect.any(String)]);
  }
  // start:cluster sets only variables the template (or the schema script's tool) reads
  const sqlTool = ['SQL_HOST', 'SQL_PORT', 'SQL_USER', 'SQL_PASSWORD'];
  expect([...templateVars, ...sqlTool]).toEqual(expect.arrayContaining(Object.keys(local)));
});

test('schema setup runs once before the server; the namespace bootstrap gates api and workers', () => {
  const schema = services['temporal-schema'];
  expect(schema.command).toEqual(['sh', '/etc/temporal/gxcase/setup-schema.sh']);
  expect(schema.depends_on.postgres.condition).toBe('service_healthy');
  expect(schema.restart).toBe('no');
  for (const name of ['SQL_HOST', 'SQL_USER', 'SQL_PASSWORD', 'DBNAME', 'VISIBILITY_DBNAME']) {
    expect([name, schema.environment[name]]).toEqual([name, services.temporal.environment[name]]);
  }
  expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
  const ns = services['temporal-namespace'];
  expect(ns.command).toEqual(['sh', '/etc/temporal/gxcase/bootstrap-namespace.sh']);
  expect(ns.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  expect(ns.environment.TEMPORAL_NAMESPACE).toBe(services.api.environment.TEMPORAL_NAMESPACE);
  for (const name of ['api', 'worker']) {
    expect(services[name].depends_on['temporal-namespace'].condition).toBe('service_completed_successfully');
  }
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
  // the schema job would create them too; the init script keeps the owner and encoding the compose file chose
  expect(init).toContain(`CREATE DATABASE ${services.temporal.environment.DBNAME};`);
  expect(init).toContain(`CREATE DATABASE ${services.temporal.environment.VISIBILITY_DBNAME};`);
});
