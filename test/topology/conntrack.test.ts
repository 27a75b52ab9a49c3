// `conntrack -L` text (conntrack-tools 1.4): the plain and the extended format, events.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTranslated, parseConntrackText } from '../../src/topology/conntrack.js';
import { capturesDir } from '../helpers/paths.js';
import { refusal } from './sentence.js';

// `conntrack -L` (plain) with its summary line (printed on standard error, here captured with 2>&1)
const PLAIN = `tcp      6 431999 ESTABLISHED src=172.17.0.2 dst=93.184.215.14 sport=51234 dport=443 src=93.184.215.14 dst=192.168.1.20 sport=443 dport=51234 [ASSURED] mark=0 use=1
udp      17 29 src=172.17.0.3 dst=1.1.1.1 sport=40000 dport=53 src=1.1.1.1 dst=192.168.1.20 sport=53 dport=40000 mark=0 use=1
icmp     1 29 src=172.17.0.2 dst=8.8.8.8 type=8 code=0 id=7 src=8.8.8.8 dst=192.168.1.20 type=0 code=0 id=7 mark=0 use=1
conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
`;

describe('parseConntrackText', () => {
  it('reads the plain format', () => {
    const t = parseConntrackText(PLAIN, 'ct.txt');
    expect(t.conntrack).toHaveLength(3);
    expect(t.conntrack[0]).toMatchObject({
      family: null, proto: 'tcp', protonum: 6, timeout: 431999, state: 'ESTABLISHED', flags: ['ASSURED'], file: 'ct.txt',
      original: { src: '172.17.0.2', dst: '93.184.215.14', sport: 51234, dport: 443 },
      reply: { src: '93.184.215.14', dst: '192.168.1.20', sport: 443, dport: 51234 },
    });
    expect(t.conntrack[2]).toMatchObject({ proto: 'icmp', original: { type: 8, code: 0, id: 7 }, reply: { type: 0, id: 7 } });
    expect(t.conntrack.every(isTranslated)).toBe(true);
  });

  it('reads the napt lab (`-o extended`): the DNAT to c1 and c2\'s remapped port', () => {
    const t = parseConntrackText(readFileSync(`${capturesDir}/napt/truth-host-conntrack.txt`, 'utf8'), 'napt');
    expect(t.conntrack).toHaveLength(6);
    expect(t.conntrack.every((e) => e.family === 'ipv4')).toBe(true);
    const inbound = t.conntrack.find((e) => e.proto === 'tcp');
    expect(inbound).toMatchObject({ state: 'TIME_WAIT', original: { dst: '198.51.100.2', dport: 8081 }, reply: { src: '172.17.0.2', sport: 80 } });
    const c2 = t.conntrack.find((e) => e.proto === 'udp' && e.original.src === '172.17.0.3');
    expect(c2?.reply.dport).toBe(38925);
  });

  it('reads napt-collide\'s conntrack ids and `conntrack -E` events', () => {
    const ids = parseConntrackText(readFileSync(`${capturesDir}/napt-collide/truth-host-conntrack-id.txt`, 'utf8'), 'id');
    expect(ids.conntrack.every((e) => typeof e.ctid === 'number' && e.ctid > 0)).toBe(true);
    const events = parseConntrackText(readFileSync(`${capturesDir}/napt-collide/truth-host-conntrack-events.txt`, 'utf8'), 'ev');
    expect(events.conntrack[0]).toMatchObject({ event: 'NEW', time: 1795387687.45915, flags: ['UNREPLIED'], original: { src: '172.17.0.2', sport: 40000 } });
    expect(new Set(events.conntrack.map((e) => e.event))).toEqual(new Set(['NEW', 'UPDATE']));
  });

  it('refuses a line that is not an entry in one sentence', () => {
    expect(refusal(() => parseConntrackText(`${PLAIN}garbage here\n`, 'ct.txt'), 'ct.txt'))
      .toBe('ct.txt: line 5 ("garbage here") is not a conntrack entry; give the output of `conntrack -L` (or `conntrack -L -o extended`).');
    expect(refusal(() => parseConntrackText('udp 17 29 src=10.0.0.1 dst=10.0.0.2 sport=x dport=53\n', 'ct.txt'), 'ct.txt')).toContain('line 1');
    expect(refusal(() => parseConntrackText('udp 17 29 mark=0\n', 'ct.txt'), 'ct.txt')).toContain('line 1');
  });
});
