// The README's "Regression tests for your network" section does what it says: its shell
// session is run command by command (in a scratch directory that sees captures/) and
// prints what the README shows, and its library example is test/api/readme-example.test.ts
// word for word (that file runs in the suite).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capturesDir, cliPath, repoRoot } from '../helpers/paths.js';

const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Regression tests for your network'), readme.indexOf('## Live capture'));

const dir = mkdtempSync(join(tmpdir(), 'dockshark-readme-'));
symlinkSync(capturesDir, join(dir, 'captures'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README: regression tests for your network', () => {
  it('has a shell session and a library example', () => {
    expect(section).toContain('$ dockshark snapshot');
    expect(section).toContain("from 'dockshark'");
  });

  it('the shell session prints what the README shows', () => {
    const session = /```\n(\$ dockshark[\s\S]*?)```/.exec(section)?.[1] ?? '';
    const steps = session.split(/^\$ /m).filter((s) => s !== '');
    expect(steps.length).toBe(3);
    for (const step of steps) {
      const [command, ...shown] = step.trimEnd().split('\n');
      const [args, redirect] = command.split(' > ');
      // shell words: a '...' quoted one (the filter) or a run of non-blanks; `dockshark` first
      const argv = (args.match(/'[^']*'|\S+/g) ?? []).slice(1).map((a) => a.replace(/^'(.*)'$/, '$1'));
      const r = spawnSync(process.execPath, [cliPath, ...argv], { cwd: dir, encoding: 'utf8' });
      if (redirect !== undefined) writeFileSync(join(dir, redirect), r.stdout);
      const printed = (redirect === undefined ? r.stdout : '') + r.stderr;
      expect(printed.trimEnd().split('\n').filter((l) => l !== ''), command).toEqual(shown);
    }
  });

  it('the library example is test/api/readme-example.test.ts', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const file = readFileSync(resolve(repoRoot, 'test/api/readme-example.test.ts'), 'utf8');
    // the file's first line says where it comes from; the rest is the README's block
    expect(file.split('\n').slice(1).join('\n')).toBe(block);
  });
});
