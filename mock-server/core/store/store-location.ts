/**
 * Where authorize's answers and tokens live (issue 15, phase 1): this process's memory (the default), one Redis
 * server, or a Redis Cluster. The settings file, `--store` and KLARNA_MOCK_STORE all take the same text.
 */
export type StoreLocation =
  | { kind: 'memory' }
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS): given to ioredis as it is. */
  | { kind: 'redis'; url: string; tls: boolean }
  /** `redis-cluster://[user:password@]host:port,host:port,…` (`rediss-cluster://`: TLS): its startup nodes. */
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; tls: boolean; username?: string; password?: string };

export const STORE_FORMS =
  '`memory`, `redis://host:port/db`, `rediss://host:port/db` (TLS) or `redis-cluster://host:port,host:port,…`';

const DEFAULT_PORT = 6379;

/** Parses a store location; a bad one gives the reason (never the password). */
export function parseStoreLocation(text: string): StoreLocation | { error: string } {
  if (text === 'memory') return { kind: 'memory' };
  const scheme = /^([a-z-]+):\/\//.exec(text)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') return redisUrl(text, scheme === 'rediss');
  if (scheme === 'redis-cluster' || scheme === 'rediss-cluster') return clusterUrl(text, scheme === 'rediss-cluster');
  return { error: `expected ${STORE_FORMS}` };
}

function redisUrl(text: string, tls: boolean): StoreLocation | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `not a URL; expected ${STORE_FORMS}` };
  }
  if (url.hostname === '') return { error: 'the URL names no host' };
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) return { error: `the database after the host must be a number, not ${db}` };
  return { kind: 'redis', url: text, tls };
}

function clusterUrl(text: string, tls: boolean): StoreLocation | { error: string } {
  const rest = text.slice(text.indexOf('://') + 3).replace(/\/$/, '');
  const at = rest.lastIndexOf('@');
  const credentials = at === -1 ? undefined : rest.slice(0, at);
  const hosts = at === -1 ? rest : rest.slice(at + 1);
  const nodes: { host: string; port: number }[] = [];
  for (const part of hosts.split(',')) {
    const found = /^(\[[^\]]+\]|[^:/[\]]+)(?::(\d{1,5}))?$/.exec(part);
    const port = Number(found?.[2] ?? DEFAULT_PORT);
    if (!found?.[1] || port > 65535) return { error: `${JSON.stringify(part)} is not host:port` };
    nodes.push({ host: found[1].replace(/^\[|\]$/g, ''), port });
  }
  const location: StoreLocation = { kind: 'cluster', nodes, tls };
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    const user = decodeURIComponent(colon === -1 ? credentials : credentials.slice(0, colon));
    if (user !== '') location.username = user;
    if (colon !== -1) location.password = decodeURIComponent(credentials.slice(colon + 1));
  }
  return location;
}

/** The location as logs and error messages may show it: the password replaced. */
export function describeStoreLocation(text: string): string {
  return text.replace(/^([a-z-]+:\/\/)([^@/]*:)[^@/]*@/, '$1$2[redacted]@');
}
