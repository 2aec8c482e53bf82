/** A target as ratios of the baseline measured in the same run: req/s at least, latencies at most. */
export interface Target {
  rps?: number;
  p50?: number;
  p99?: number;
}

export interface Ratios {
  rps: number;
  p50: number;
  p99: number;
}

/** Whether `ratios` meet `target`, and the checks it made in words ('req/s ≥0.5×', 'p99 ≤3×'). */
export function judgeRatios(ratios: Ratios, target: Target): { met: boolean; checks: string[] } {
  const checks: string[] = [];
  let met = true;
  if (target.rps !== undefined) {
    checks.push(`req/s ≥${target.rps}×`);
    met &&= ratios.rps >= target.rps;
  }
  if (target.p50 !== undefined) {
    checks.push(`p50 ≤${target.p50}×`);
    met &&= ratios.p50 <= target.p50;
  }
  if (target.p99 !== undefined) {
    checks.push(`p99 ≤${target.p99}×`);
    met &&= ratios.p99 <= target.p99;
  }
  return { met, checks };
}

/**
 * Issue 16: the simulator serves more authorize requests per second than every peer that ran. Undefined (not
 * judged) when no peer ran; `behind` names the peers that served at least as many.
 */
export function aheadOfPeers(
  simulatorRps: number,
  peers: Readonly<Record<string, number>>,
): { ahead: boolean; behind: string[] } | undefined {
  const names = Object.keys(peers);
  if (names.length === 0) return undefined;
  const behind = names.filter((name) => !((peers[name] as number) < simulatorRps));
  return { ahead: behind.length === 0, behind };
}
