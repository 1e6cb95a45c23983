/**
 * Prints the hottest functions of a V8 CPU profile (from `npm run bench -- --profile <dir>`):
 * self time and total (inclusive) time, as shares of the samples.
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
};

const self = new Map<string, number>();
const total = new Map<string, number>();
for (const sample of profile.samples) {
  const node = byId.get(sample);
  if (node === undefined) continue;
  self.set(label(node), (self.get(label(node)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
    const ancestor = byId.get(id);
    if (ancestor === undefined) break;
    const name = label(ancestor);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + 1);
  }
}

const count = profile.samples.length;
const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (${count} samples)`);
  for (const [name, n] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((n / count) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time', self);
print('total time', total);
