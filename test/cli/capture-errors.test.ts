// `capture`, `list-interfaces` and `inject` failures: one sentence saying what to do, exit 2,
// no stack trace. Run inside a namespace this test creates (never on the root namespace's interfaces).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/paths.js';
import { addNamespace, netnsUnavailable } from './netns-helpers.js';

const why = netnsUnavailable();
if (why !== null) console.log(`skipping the capture error tests: ${why}`);

function inNs(ns: string, args: string[], env: NodeJS.ProcessEnv = {}, wrap: string[] = []): { code: number | null; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...wrap, process.execPath, cliPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
}

function oneSentence(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('dockshark:'));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe.skipIf(why !== null)('live capture errors', () => {
  const ns = why === null ? addNamespace() : '';

  it('names an unknown interface and points at list-interfaces', () => {
    const r = inNs(ns, ['capture', '-i', 'nope0', '--duration', '1']);
    expect(r.code).toBe(2);
    oneSentence(r.stderr, /no interface "nope0".*dockshark list-interfaces/);
  });

  it('explains a bad BPF filter', () => {
    const r = inNs(ns, ['capture', '-i', 'lo', '-f', 'port nonsense', '--duration', '1']);
    expect(r.code).toBe(2);
    oneSentence(r.stderr, /capture filter "port nonsense" is not valid BPF/);
  });

  it('says how to get the privileges', () => {
    const capsh = spawnSync('sh', ['-c', 'command -v capsh'], { encoding: 'utf8' }).stdout.trim();
    if (capsh === '') return console.log('skipping the privilege case: capsh is not installed');
    const r = inNs(ns, ['capture', '-i', 'lo', '--duration', '1'], {}, [capsh, '--drop=cap_net_raw,cap_net_admin', '--', '-c', '"$0" "$@"']);
    expect(r.code).toBe(2);
    oneSentence(r.stderr, /not permitted.*run as root, or grant.*cap_net_raw,cap_net_admin/);
  });

  it('says how to install cap when it is missing (capture, list-interfaces, inject)', () => {
    for (const args of [['capture', '-i', 'lo'], ['list-interfaces'], ['inject', 'captures/bridge/bridge-multi.pcapng', '-i', 'lo']]) {
      const r = inNs(ns, args, { DOCKSHARK_NO_CAP: '1' });
      expect(r.code, args.join(' ')).toBe(2);
      oneSentence(r.stderr, /libpcap-dev.*npm rebuild cap/);
    }
  });

  it('rejects a bad --only filter and an unknown inject interface', () => {
    const bad = inNs(ns, ['inject', 'captures/bridge/bridge-multi.pcapng', '-i', 'lo', '--only', 'host nonsense']);
    expect(bad.code).toBe(2);
    oneSentence(bad.stderr, /--only/);
    const missing = inNs(ns, ['inject', 'captures/bridge/bridge-multi.pcapng', '-i', 'nope0']);
    expect(missing.code).toBe(2);
    oneSentence(missing.stderr, /no interface "nope0"/);
  });
});
