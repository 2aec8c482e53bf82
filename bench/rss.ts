import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc/<pid>/status; undefined where /proc is missing. */
export function rssBytes(pid: number): number | undefined {
  return statusKb(pid, 'VmRSS');
}

/** The highest resident set size the process has had so far (the kernel's own mark, which sampling can miss). */
export function peakRssBytes(pid: number): number | undefined {
  return statusKb(pid, 'VmHWM');
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export const mb = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, user and system, in microseconds (from /proc/<pid>/stat, so at 10 ms
 * resolution); undefined where /proc is missing. Divided by the requests answered meanwhile, it gives what each
 * request cost the server, a steadier figure than req/s on a shared machine.
 */
function cpuMicros(pid: number): { user: number; system: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    if (fields === undefined) return undefined;
    const micros = (ticks: string | undefined) => (Number(ticks) * 1_000_000) / TICKS_PER_SECOND;
    return { user: micros(fields[11]), system: micros(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU time of several processes together (a simulator's workers and its Redis); undefined when one cannot be read. */
export function cpuMicrosOf(pids: readonly number[]): { user: number; system: number } | undefined {
  let user = 0;
  let system = 0;
  for (const pid of pids) {
    const one = cpuMicros(pid);
    if (one === undefined) return undefined;
    user += one.user;
    system += one.system;
  }
  return { user, system };
}

/** `pid` and every process below it (a cluster primary's workers), from /proc; just `pid` where /proc is missing. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [pid];
  for (let at = 0; at < tree.length; at++) tree.push(...(parents.get(tree[at] as number) ?? []));
  return tree;
}
