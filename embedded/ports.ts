import net from 'node:net';

/** A port free right now on loopback (tests use these so parallel runs and a running system don't collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A base port such that base+offset is free for every offset (a command that puts services beside its port,
 * like the Temporal server's), below the kernel's ephemeral range (32768+) where an outgoing connection could
 * take one before the server binds it.
 */
export async function freePortBlock(offsets: number[]): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ok = await Promise.all(offsets.map((o) => portFree(base + o)));
    if (ok.every(Boolean)) return base;
  }
}
