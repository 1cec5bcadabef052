/**
 * Where the API listens, and whether demo credentials may be seeded there (issue 10, finding 8). The README
 * publishes the demo keys, an administrator's among them: they are only safe on an address no one else can
 * reach. So the API binds to loopback unless HOST says otherwise, and on any other address the demo keys are
 * seeded only when SEED_DEMO=true is set explicitly.
 */
import net from 'node:net';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (IPv4-mapped too) and the name localhost. Wildcards (0.0.0.0, ::) are not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const family = net.isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

export interface DemoSeedDecision {
  seed: boolean;
  /** why, when the answer is not the obvious one (a skip, or demo keys on an open address) */
  reason?: string;
}

/**
 * Demo credentials are seeded on a loopback host unless SEED_DEMO=false; on any other host only with
 * SEED_DEMO=true, exactly (a typo must not publish an administrator's key).
 */
export function demoSeedDecision(host: string, seedDemo: string | undefined): DemoSeedDecision {
  if (seedDemo === 'false') return { seed: false, reason: 'SEED_DEMO=false' };
  if (isLoopbackHost(host)) return { seed: true };
  if (seedDemo === 'true') {
    return {
      seed: true,
      reason: `SEED_DEMO=true on ${host}: the demo API keys published in the README (an administrator's among them) are valid for anyone who can reach this address`,
    };
  }
  return {
    seed: false,
    reason: `the API listens on ${host}, which is not loopback: demo API keys (published in the README) are not seeded; set SEED_DEMO=true to seed them anyway`,
  };
}

/** The host to put in printed URLs: a wildcard is reached through loopback; IPv6 is bracketed. */
export function urlHostOf(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return net.isIPv6(host) ? `[${host}]` : host;
}
