import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBalancer, type Balancer } from '../../embedded/balancer';
import { freePort } from '../../embedded/ports';

/** A stand-in API replica that names itself and echoes what it received. */
async function replica(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', `served-by=${name}`);
      res.end(
        JSON.stringify({ name, method: req.method, url: req.url, body, xff: req.headers['x-forwarded-for'] }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let balancer: Balancer | undefined;
afterEach(async () => {
  await balancer?.stop();
  balancer = undefined;
});

const call = async (b: Balancer, path: string, init?: RequestInit) => {
  const res = await fetch(`${b.url}${path}`, init);
  return { status: res.status, cookie: res.headers.get('set-cookie'), body: await res.json() };
};

test('spreads requests over the replicas and passes method, path, body, cookies and the client address', async () => {
  const [a, b] = await Promise.all([replica('a'), replica('b')]);
  balancer = await startBalancer({
    host: '127.0.0.1',
    port: await freePort(),
    upstreams: [a, b].map((r) => ({ host: '127.0.0.1', port: r.port })),
  });
  const names = [];
  for (let i = 0; i < 4; i += 1) names.push((await call(balancer, '/readyz')).body.name);
  expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
  const posted = await call(balancer, '/api/v1/cases?x=1', {
    method: 'POST',
    body: '{"k":"中文"}',
    headers: { 'content-type': 'application/json' },
  });
  expect(posted.body).toMatchObject({
    method: 'POST',
    url: '/api/v1/cases?x=1',
    body: '{"k":"中文"}',
    xff: '127.0.0.1',
  });
  expect(posted.cookie).toBe(`served-by=${posted.body.name}`);
  await Promise.all([a.close(), b.close()]);
});

test('a stopped replica is left out without failing requests; it rejoins once it answers again', async () => {
  const [a, b] = await Promise.all([replica('a'), replica('b')]);
  balancer = await startBalancer({
    host: '127.0.0.1',
    port: await freePort(),
    upstreams: [a, b].map((r) => ({ host: '127.0.0.1', port: r.port })),
    probeMs: 100,
  });
  await a.close();
  for (let i = 0; i < 6; i += 1) {
    const get = await call(balancer, '/x');
    expect([get.status, get.body.name]).toEqual([200, 'b']);
    const post = await call(balancer, '/y', { method: 'POST', body: 'z' });
    expect([post.status, post.body.name, post.body.body]).toEqual([200, 'b', 'z']);
  }
  expect(balancer.up()).toEqual([1]);
  await b.close();
  const none = await fetch(`${balancer.url}/x`);
  expect(none.status).toBe(503);
  expect(await none.json()).toMatchObject({ code: 'no_api_replica' });
});
