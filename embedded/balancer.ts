/**
 * One port in front of several API replicas (`npm run start:cluster`), the part a load balancer plays in
 * production. Round robin over the replicas that answer; a replica that refuses connections is left out until
 * its /healthz answers again, so stopping one replica costs no request that has not reached it yet. The API is
 * stateless (sessions, rate limits and everything else live in Postgres), so any replica may take any request.
 */
import http from 'node:http';

export interface Balancer {
  url: string;
  /** replicas currently receiving requests (by index into `upstreams`) */
  up(): number[];
  stop(): Promise<void>;
}

/** Headers that describe one connection, not the request (RFC 9110 §7.6.1): not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

export async function startBalancer(opts: {
  host: string;
  port: number;
  upstreams: { host: string; port: number }[];
  /** how often a replica left out is asked whether it is back */
  probeMs?: number;
}): Promise<Balancer> {
  const alive = opts.upstreams.map(() => true);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;

  const pick = (exclude: Set<number>): number | undefined => {
    for (let i = 0; i < opts.upstreams.length; i += 1) {
      const candidate = (next + i) % opts.upstreams.length;
      if (alive[candidate] && !exclude.has(candidate)) {
        next = candidate + 1;
        return candidate;
      }
    }
    return undefined;
  };

  const probe = setInterval(() => {
    opts.upstreams.forEach((u, i) => {
      if (alive[i]) return;
      const req = http.get({ host: u.host, port: u.port, path: '/healthz', agent, timeout: 2_000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) alive[i] = true;
      });
      req.on('error', () => {});
      req.on('timeout', () => req.destroy());
    });
  }, opts.probeMs ?? 1_000);
  probe.unref();

  const headersOf = (req: http.IncomingMessage): http.OutgoingHttpHeaders => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for']
      ? `${req.headers['x-forwarded-for']}, ${peer}`
      : peer;
    return headers;
  };

  /**
   * A request whose body has not been read yet (GET, HEAD, or a refused connection before any byte left) may go
   * to the next replica; once a body streamed into a replica, only that replica can answer for it.
   */
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, tried: Set<number>): void => {
    const index = pick(tried);
    if (index === undefined) {
      res.writeHead(503, { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          code: 'no_api_replica',
          detail: '没有可用的 API 实例, 请稍后重试。',
        }),
      );
      return;
    }
    tried.add(index);
    const upstream = opts.upstreams[index];
    const proxied = http.request(
      {
        host: upstream.host,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: headersOf(req),
        agent,
      },
      (answer) => {
        const headers: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    let sentBody = false;
    proxied.on('error', (e: NodeJS.ErrnoException) => {
      // refused: the replica is down (left out until /healthz answers); reset: it went away mid-connection, or
      // a pooled connection it had just closed
      if (e.code === 'ECONNREFUSED') alive[index] = false;
      if (res.headersSent) return res.destroy();
      const retryable = e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET';
      if (retryable && !sentBody) return forward(req, res, tried);
      res.writeHead(502, { 'content-type': 'application/problem+json; charset=utf-8' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad Gateway',
          status: 502,
          code: 'api_replica_failed',
          detail: 'API 实例在处理请求时中断, 请重试。',
        }),
      );
    });
    if (req.readableEnded || req.method === 'GET' || req.method === 'HEAD') {
      proxied.end();
    } else {
      // the body goes to this replica only once its connection stands
      proxied.once('socket', (socket) => {
        const send = () => {
          sentBody = true;
          req.pipe(proxied);
        };
        if (socket.connecting) socket.once('connect', send);
        else send();
      });
    }
  };

  const server = http.createServer((req, res) => forward(req, res, new Set()));
  // the API's own keep-alive is 5 s; the balancer holds client connections a little longer than that
  server.keepAliveTimeout = 6_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`,
    up: () => alive.flatMap((a, i) => (a ? [i] : [])),
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(probe);
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
