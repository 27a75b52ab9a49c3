// The Ink components with ink-testing-library: the Screen from models passed as props
// (hand-made, or built from a fake replay of a million frames to show the list renders only
// its window), and the App driven by keys on a real capture.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/App.js';
import { KEYMAP } from '../../src/ui/keymap.js';
import { Screen } from '../../src/ui/components/Screen.js';
import type { PacketRow } from '../../src/ui/selectors/packet-rows.js';
import { buildScreen, INITIAL_UI, type ReplayView } from '../../src/ui/selectors/screen-model.js';
import { NAPT_COLLIDE, plain, session } from './helpers.js';

const instances: { unmount: () => void }[] = [];
afterEach(() => {
  for (const i of instances.splice(0)) i.unmount();
});
function show(node: React.ReactElement) {
  const instance = render(node);
  instances.push(instance);
  return instance;
}
const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeView(length: number, asked: [number, number][]): ReplayView {
  const row = (step: number): PacketRow => ({
    step, no: step + 1, time: (step / 1000).toFixed(6), iface: 'docker0', source: '172.17.0.2', destination: '172.17.0.3',
    protocol: 'ARP', info: `row ${step + 1}`, colour: 'yellow',
  });
  return {
    position: 500_000, length, indexDone: false, progress: 0.42, frame: null, lastFrameNo: length,
    report: {
      bridges: [{ name: 'docker0', fdb: [{ mac: '02:42:ac:11:00:02', port: 'veth1a2b3c4', vlan: null, local: false, firstFrame: 3, lastFrame: 9 }] }],
      arp: [], nat: [{ proto: 'udp', type: 'snat', original: { src: '172.17.0.3', dst: '198.51.100.1', sport: 40000, dport: 7 },
        reply: { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: 49383 }, inside: 'docker0', outside: 'eth0', packets: { original: 1, reply: 0 } }],
    },
    rows: (first, count) => {
      asked.push([first, count]);
      return Array.from({ length: Math.max(0, Math.min(count, length - first)) }, (_, i) => row(first + i));
    },
    playing: true, pace: { kind: 'capture', speed: 10 }, breakpoints: ['change fdb.move'], stopReason: null, message: null, topology: null,
  };
}

describe('Screen (state as props)', () => {
  it('renders only the visible rows of a million-frame list, and the status line', () => {
    const asked: [number, number][] = [];
    const model = buildScreen(fakeView(1_000_000, asked), INITIAL_UI, 100, 30);
    expect(asked).toEqual([[model.listTop, model.layout.listRows]]);
    const out = plain(show(<Screen model={model} />).lastFrame());
    expect(out).toContain('row 500000');
    expect(out).not.toContain('row 499000');
    expect(out).toContain('step 500000/1000000+ | playing 10x | indexing 42% | bp fdb.move');
    expect(out.split('\n')).toHaveLength(30);
  });

  it('shows the detail pane of the current tab at 80x24, NAT with its translation', () => {
    const model = buildScreen(fakeView(10, []), { ...INITIAL_UI, tab: 'nat', focus: 'nat' }, 80, 23);
    const out = plain(show(<Screen model={model} />).lastFrame());
    expect(out).toContain('[NAT (1)]');
    expect(out).toContain('udp    172.17.0.3:40000 > 198.51.100.1:7  src 198.51.100.2:49383');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('shows every pane side by side at 120x40', () => {
    const model = buildScreen(fakeView(10, []), INITIAL_UI, 120, 39);
    const out = plain(show(<Screen model={model} />).lastFrame());
    for (const title of ['Layers', 'Hex', 'Topology', 'FDB (1)', 'NAT (1)', 'ARP (0)', 'Overlay']) expect(out).toContain(`- ${title}`);
    expect(out).toContain('02:42:ac:11:00:02  veth1a2b3c4');
  });

  it('lists the whole keymap in the help overlay, even at 80x24', () => {
    const model = buildScreen(fakeView(10, []), { ...INITIAL_UI, help: true }, 80, 23);
    const out = plain(show(<Screen model={model} />).lastFrame());
    for (const b of KEYMAP) expect(out).toContain(b.help.slice(0, 40));
    expect(out).toContain('dockshark keys');
    expect(out).toMatch(/:\s+go to frame number/);
    expect(out).toMatch(/b\s+add a breakpoint on a change kind/);
  });
});

describe('App (keys on a real capture)', () => {
  it('scrolls the focused pane, and the panes follow the next step again', async () => {
    const s = session([NAPT_COLLIDE]);
    s.seek(s.index.timeline.stepOfFrame(15) + 1);
    const app = show(<App session={s} width={80} height={16} />);
    const type = async (keys: string) => {
      app.stdin.write(keys);
      await tick();
    };
    await type('\t');
    expect(plain(app.lastFrame())).toMatch(/> \[Layers\] Hex .*\[1 more\]/);
    await type('jj'); // the second is clamped: one line was hidden
    expect(plain(app.lastFrame())).toContain('[1 above]');
    expect(plain(app.lastFrame())).not.toContain('Ethernet II');
    await type('n');
    expect(plain(app.lastFrame())).toContain('Ethernet II');
  });

  it('tells the session of every key, so background indexing steps aside', async () => {
    const s = session([NAPT_COLLIDE]);
    s.first();
    const keyPressed = vi.spyOn(s, 'keyPressed');
    const app = show(<App session={s} width={80} height={24} />);
    app.stdin.write('n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    app.stdin.write('?');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(keyPressed).toHaveBeenCalledTimes(2);
    expect(s.cursor.position).toBe(2);
  });

  it('steps, goes to a frame, cycles panes, shows filter errors and help, quits', async () => {
    const s = session([NAPT_COLLIDE]);
    s.first();
    const onQuit = vi.fn();
    const app = show(<App session={s} width={100} height={30} onQuit={onQuit} />);
    const type = async (keys: string) => {
      app.stdin.write(keys);
      await tick();
    };
    expect(plain(app.lastFrame())).toContain('step 1/92 | frame 1 on eth0');
    await type('n');
    expect(plain(app.lastFrame())).toContain('step 2/92 | frame 2 on eth0');
    await type(':15\r');
    const at15 = plain(app.lastFrame());
    expect(at15).toContain('frame 15 on eth0');
    expect(at15).toContain('#15: MASQUERADE: 172.17.0.3:40000 -> 198.51.100.2:49383 (port collision with 172.17.0.2)');
    await type('\t\t\t\t\t');
    expect(plain(app.lastFrame())).toContain('[NAT (2)]');
    await type('/ip.addr == ((\r');
    expect(plain(app.lastFrame())).toContain('filter: expected a value after "==" at column 11, found "("');
    await type('/arp.src.proto_ipv4 == 172.17.0.4 || arp.dst.proto_ipv4 == 172.17.0.4\r');
    expect(plain(app.lastFrame())).toContain('frame 23 matches arp.src.proto_ipv4 == 172.17.0.4 || arp.dst.proto_ipv4 == 172.17.0.4');
    await type('?');
    expect(plain(app.lastFrame())).toContain('dockshark keys');
    await type('?');
    await type('q');
    expect(onQuit).toHaveBeenCalled();
  });
});
