/**
 * Issue 10, finding 8: the embedded default published its demo keys (an administrator's among them) on every
 * interface. The API binds to 127.0.0.1 unless HOST says otherwise, and demo credentials are seeded on a
 * non-loopback address only when SEED_DEMO=true is set explicitly. The decision is a pure function; this
 * checks it, the setting, and that the README and docker-compose.yml say the same.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../config';
import { demoSeedDecision, isLoopbackHost, urlHostOf } from '../../embedded/exposure';

const root = path.resolve(__dirname, '..', '..');

describe('finding 8: the embedded default binds to loopback and never publishes demo keys beyond it', () => {
  it('HOST defaults to 127.0.0.1 and can be configured', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '' }).host).toBe('127.0.0.1');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.1.2.3', false],
    ['gxcase.example.gov.cn', false],
    ['127.0.0.1.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it.each([
    // host, SEED_DEMO, seeded?
    ['127.0.0.1', undefined, true],
    ['127.0.0.1', 'true', true],
    ['127.0.0.1', 'false', false],
    ['0.0.0.0', undefined, false],
    ['0.0.0.0', '', false],
    ['0.0.0.0', 'TRUE', false],
    ['0.0.0.0', 'yes', false],
    ['0.0.0.0', 'true', true],
    ['10.1.2.3', undefined, false],
    ['::', 'false', false],
  ] as const)('host %s with SEED_DEMO=%s seeds demo credentials: %s', (host, seedDemo, seed) => {
    const d = demoSeedDecision(host, seedDemo);
    expect(d.seed).toBe(seed);
    // a skip, and an explicit opt-in on an open address, always say why
    if (seedDemo === 'false') expect(d.reason).toContain('SEED_DEMO=false');
    else if (!seed || !isLoopbackHost(host)) expect(d.reason).toEqual(expect.stringContaining(host));
    if (!seed && seedDemo !== 'false') expect(d.reason).toContain('SEED_DEMO=true');
    if (seed && isLoopbackHost(host)) expect(d.reason).toBeUndefined();
  });

  it('local URLs name an address that reaches the API', () => {
    expect(urlHostOf('127.0.0.1')).toBe('127.0.0.1');
    expect(urlHostOf('0.0.0.0')).toBe('127.0.0.1');
    expect(urlHostOf('::')).toBe('[::1]');
    expect(urlHostOf('::1')).toBe('[::1]');
    expect(urlHostOf('10.1.2.3')).toBe('10.1.2.3');
  });

  it('the README documents HOST, and compose opens the API container to its network on purpose', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/^\| `HOST` +\| `127\.0\.0\.1` +\|/m);
    const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
    expect(compose.services.api.environment.HOST).toBe('0.0.0.0');
    // no demo credentials in a deployment
    expect(compose.services.api.environment.SEED_DEMO).toBeUndefined();
  });
});
