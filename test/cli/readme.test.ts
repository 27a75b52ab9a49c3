// The README's two set-up commands keep working: `npm start` opens bundled captures
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

  it('npm start, with stdout not a terminal, prints the analyze tables of the bundled captures', () => {
    // On a terminal it opens the replay UI (test/ui/e2e-tmux.test.ts); piped, it prints what `analyze` does.
    const output = execSync(pkg.scripts.start, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(output).toMatch(/^158 frames$/m);
    expect(output).toContain('Bridge docker0: forwarding database');
    expect(output).toMatch(/^02:42:ac:11:00:03 /m);
    expect(output).toContain('NAT translations');
    expect(output).toMatch(/^udp +snat +172\.17\.0\.3:40000 > 198\.51\.100\.1:7 +198\.51\.100\.1:7 > 198\.51\.100\.2:49383 /m);
    expect(output).toContain('VXLAN tunnels');
    expect(output).toMatch(/^4097 +192\.0\.2\.1 +192\.0\.2\.2 +4789 /m);
  });

  it('CI runs exactly the README test command', () => {
    expect(readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm install && npm test$/m);
  });
});
