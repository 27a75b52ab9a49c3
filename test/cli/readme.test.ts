// The README's two set-up commands keep working: `npm start` decodes a bundled capture
// (its script is run here as npm would run it), and `npm test` is what .ci/run calls.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');

describe('README set-up commands', () => {
  it('lists `npm install && npm start` and `npm install && npm test` first', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.split('\n').filter((l) => l.trim()).map((l) => l.split('#')[0].trim())).toEqual(['npm install && npm start', 'npm install && npm test']);
  });

  it('npm start decodes the bundled capture', () => {
    const output = execSync(pkg.scripts.start, { cwd: repoRoot, encoding: 'utf8' });
    const lines = output.trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    expect(lines[0]).toMatch(/^1 \d\d:\d\d:\d\d\.\d{9} \S+ /);
  });

  it('CI runs exactly the README test command', () => {
    expect(readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm install && npm test$/m);
  });
});
