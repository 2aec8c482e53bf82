import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { adminExposure, isLoopbackHost, readyAddress } from '../../mock-server/app/admin-exposure.js';
import { adminTokenMatches } from '../../mock-server/http/admin-token.js';

const TOKEN = 'a-long-enough-admin-token';

describe('whether the admin API may be reached from where the simulator listens', () => {
  it.each([
    ['127.0.0.1', undefined, false, 'ok'],
    ['127.0.0.2', undefined, false, 'ok'],
    ['localhost', undefined, false, 'ok'],
    ['LOCALHOST', undefined, false, 'ok'],
    ['::1', undefined, false, 'ok'],
    ['::ffff:127.0.0.1', undefined, false, 'ok'],
    ['0.0.0.0', undefined, false, 'refuse'],
    ['::', undefined, false, 'refuse'],
    ['192.168.1.20', undefined, false, 'refuse'],
    ['fe80::1', undefined, false, 'refuse'],
    ['my-host.internal', undefined, false, 'refuse'],
    ['0.0.0.0', TOKEN, false, 'ok'],
    ['0.0.0.0', undefined, true, 'warn'],
    ['0.0.0.0', TOKEN, true, 'ok'],
    ['127.0.0.1', undefined, true, 'ok'],
    ['127.0.0.1', TOKEN, false, 'ok'],
  ] as const)('binding %s with token %s and open %s: %s', (host, token, open, kind) => {
    expect(adminExposure(host, { adminToken: token, adminOpen: open }).kind).toBe(kind);
  });

  it('says why it refuses and names both ways out', () => {
    const decision = adminExposure('0.0.0.0', { adminToken: undefined, adminOpen: false });
    expect(decision.kind).toBe('refuse');
    const message = decision.kind === 'refuse' ? decision.message : '';
    for (const words of [
      '0.0.0.0',
      'needs no credentials',
      'journal',
      'approve payment requests',
      'reset accounts',
      'faults',
      '--admin-token <token>',
      'KLARNA_MOCK_ADMIN_TOKEN',
      'adminToken',
      'Authorization: Bearer <token>',
      '--admin-open',
      'adminOpen',
    ]) {
      expect(message).toContain(words);
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['localhost', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['LocalHost', true],
    ['::2', false],
    ['0.0.0.0', false],
    ['128.0.0.1', false],
    ['localhost.evil.example', false],
    ['', false],
  ])('counts %j as loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('the admin token check', () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer  ${TOKEN}`, false],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Basic ${TOKEN}`, false],
    [TOKEN, false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('takes %j: %s', (header, ok) => {
    expect(adminTokenMatches(header, TOKEN)).toBe(ok);
  });
});

describe('the ready line address', () => {
  const address = (address: string, family: string): AddressInfo => ({ address, family, port: 4747 });
  it.each([
    [address('127.0.0.1', 'IPv4'), 'http://127.0.0.1:4747', undefined],
    [address('192.168.1.20', 'IPv4'), 'http://192.168.1.20:4747', undefined],
    [address('::1', 'IPv6'), 'http://[::1]:4747', undefined],
    [address('0.0.0.0', 'IPv4'), 'http://127.0.0.1:4747', 'bound to 0.0.0.0: every IPv4 interface'],
    [address('::', 'IPv6'), 'http://[::1]:4747', 'bound to ::: every interface'],
  ])('of %j is %s', (bound, url, note) => {
    expect(readyAddress(bound)).toEqual({ url, note });
  });
});
