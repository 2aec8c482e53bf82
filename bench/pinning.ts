import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The core the load generator (this process) runs on, and the one every server child runs on. */
export const DRIVER_CORE = 0;
export const SERVER_CORE = 1;

function tasksetWorks(): boolean {
  try {
    execFileSync('taskset', ['-c', String(SERVER_CORE), 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pinning needs `taskset` and two cores; without either, everything shares the cores and the run says so. */
export const pinning = availableParallelism() >= 2 && tasksetWorks();

/**
 * Moves this process, all its threads included (-a), onto the driver core, so that autocannon never competes with
 * the server for a core. Threads started later inherit the mask.
 */
export function pinDriver(): string {
  if (!pinning) return 'not pinned (taskset or a second core missing): numbers are noisier';
  execFileSync('taskset', ['-a', '-c', '-p', String(DRIVER_CORE), String(process.pid)], { stdio: 'ignore' });
  return `load generator on core ${DRIVER_CORE}, servers on core ${SERVER_CORE} (taskset)`;
}

/** The command line that runs `command args` on the server core, when pinning works. */
export function onServerCore(command: string, args: string[]): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(SERVER_CORE), command, ...args]] : [command, args];
}

/** Moves a running process (a Redis the bench started, which inherited the driver's core) onto the server core. */
export function pinToServerCore(pid: number): void {
  if (pinning) execFileSync('taskset', ['-a', '-c', '-p', String(SERVER_CORE), String(pid)], { stdio: 'ignore' });
}
