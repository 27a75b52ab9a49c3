// The folders are layers: lower ones never import higher ones, and decode/ imports
// nothing from Node, so it can run anywhere (and in the TUI's worker later).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.js';

const ORDER = ['decode', 'capture', 'topology', 'simulate', 'analysis', 'verify', 'replay', 'ui', 'api', 'cli'] as const;
/** Which src folders each folder may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  decode: [],
  capture: [],
  topology: ['decode'],
  simulate: ['decode', 'capture', 'topology'],
  analysis: ['decode', 'topology'],
  verify: ['decode', 'topology', 'analysis'],
  replay: ['decode', 'capture', 'topology', 'analysis'],
  ui: ['decode', 'capture', 'topology', 'analysis', 'replay'],
  // the library surface (and the glue from files to engines the CLI uses too): no UI in it
  api: ['decode', 'capture', 'topology', 'simulate', 'analysis', 'verify', 'replay'],
  cli: [...ORDER],
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

describe('layering', () => {
  const src = resolve(repoRoot, 'src');
  const files = sources(src);
  it.each(files.map((f) => relative(src, f)))('%s imports only from allowed layers', (rel) => {
    const layer = rel.split('/')[0];
    const bad: string[] = [];
    for (const spec of imports(join(src, rel))) {
      if (spec.startsWith('.')) {
        const target = relative(src, resolve(join(src, rel), '..', spec)).split('/')[0];
        if (target !== layer && !(ALLOWED[layer] ?? []).includes(target)) bad.push(spec);
      } else if (layer === 'decode' && (spec.startsWith('node:') || ['fs', 'path', 'os', 'buffer', 'child_process'].includes(spec))) {
        bad.push(spec);
      } else if ((spec === 'react' || spec === 'ink' || spec.startsWith('ink-')) && layer !== 'ui' && layer !== 'cli') {
        bad.push(spec);
      }
    }
    expect(bad).toEqual([]);
  });
});
