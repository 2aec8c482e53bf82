import { timeToFirstAuthorize } from './bench/ready-time.ts';
import { median } from './bench/stats.ts';
const base = ['--max-old-space-size=256', '--max-semi-space-size=32', '--initial-old-space-size=160'];
const variants: Record<string, string[]> = { base, min16: [...base, '--min-semi-space-size=16'], min8: [...base, '--min-semi-space-size=8'] };
const times: Record<string, number[]> = {};
for (let r = 0; r < Number(process.argv[2] ?? 7); r++) for (const [name, flags] of Object.entries(variants)) (times[name] ??= []).push(await timeToFirstAuthorize(process.execPath, [...flags, process.argv[3] ?? 'dist/klarna-mock.mjs']));
for (const [name, t] of Object.entries(times)) console.log(name, Math.round(median(t)), t.map(Math.round).join(' '));
