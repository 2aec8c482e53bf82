import type { AddressInfo } from 'node:net';
import { BlockList, isIP } from 'node:net';

/** What the start does about the admin API, given where it listens: start, start with a warning, or refuse. */
export type AdminExposure = { kind: 'ok' } | { kind: 'warn'; message: string } | { kind: 'refuse'; message: string };

let loopback: BlockList | undefined;

/** 127.0.0.0/8, ::1 (IPv4-mapped forms too) and the name localhost: no other machine can connect. */
export function isLoopbackHost(host: string): boolean {
  // The default host, and the other usual ones, without node:net's BlockList (a module of its own to load at start).
  if (host === '127.0.0.1' || host === '::1' || host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  if (family === 0) return false;
  if (loopback === undefined) {
    loopback = new BlockList();
    loopback.addSubnet('127.0.0.0', 8, 'ipv4');
    loopback.addAddress('::1', 'ipv6');
  }
  return loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

const WHAT_IT_CAN_DO =
  "the /__mock admin API needs no credentials, so anyone who can reach it could read every account's request " +
  'journal, approve payment requests, reset accounts and arm global faults';

/**
 * Binding beyond loopback exposes the admin API to the network: that needs a token (which then guards every /__mock
 * route) or an explicit `adminOpen` for a trusted network, such as a container's.
 */
export function adminExposure(
  host: string,
  admin: { adminToken?: string | undefined; adminOpen: boolean },
): AdminExposure {
  if (admin.adminToken !== undefined || isLoopbackHost(host)) return { kind: 'ok' };
  if (admin.adminOpen) {
    return {
      kind: 'warn',
      message: `the /__mock admin API is open to anyone who can reach ${host} (adminOpen): it can read every account's request journal, approve payment requests, reset accounts and arm global faults; use it on a trusted network only, or set an admin token`,
    };
  }
  return {
    kind: 'refuse',
    message:
      `refusing to listen on ${host} without an admin token: ${WHAT_IT_CAN_DO}. Either set a token with ` +
      '--admin-token <token> (or KLARNA_MOCK_ADMIN_TOKEN, or adminToken in the settings file): every /__mock ' +
      'request must then send Authorization: Bearer <token>. Or, on a trusted network such as a container, allow ' +
      'it with --admin-open (or KLARNA_MOCK_ADMIN_OPEN=true, or adminOpen: true in the settings file).',
  };
}

/**
 * The URL of the ready line: the address bound, or for a wildcard address (which no client can connect to) the
 * loopback one, with a note saying what was bound.
 */
export function readyAddress(address: AddressInfo): { url: string; note: string | undefined } {
  const port = address.port;
  if (address.address === '0.0.0.0') {
    return { url: `http://127.0.0.1:${port}`, note: 'bound to 0.0.0.0: every IPv4 interface' };
  }
  if (address.address === '::') return { url: `http://[::1]:${port}`, note: 'bound to ::: every interface' };
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${port}`, note: undefined };
}
