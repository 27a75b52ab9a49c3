// `dockshark inject FILE -i IFACE [--speed X | --pps N | --topspeed] [--loop N] [--only FILTER] [--map IFNAME=IFACE]...`:
// send a trace's frames onto interfaces with cap, the way tcpreplay does. Frames go in
// time order (several files and interfaces merged); each trace interface goes to the
// local interface --map names for it (by name, or by its number in the trace), the
// others to -i; frames with neither, frames `--only` rejects and frames that are not
// Ethernet are skipped and counted. Prints what was sent and the rate achieved.

import type { Command } from 'commander';
import { LiveCaptureError } from '../capture/cap-binding.js';
import { openTargets, Pacer, type InjectTarget, type Pacing } from '../capture/inject.js';
import { openCaptures } from '../capture/open.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import { LinkType, type InterfaceInfo, type RawFrame } from '../capture/types.js';
import { FilterSyntaxError, FrameDecoder, MutableFilterFrame, parseFilter, safeText, type FrameFilter } from '../decode/index.js';
import { count } from './arg-parsers.js';
import { DEFAULT_VXLAN_PORT } from './decode-command.js';
import { mapping, positive } from './live-args.js';
import type { LineWriter } from './output.js';

export interface InjectCommandOptions {
  interface?: string;
  speed?: number;
  pps?: number;
  topspeed: boolean;
  loop: number;
  only: string;
  map: Map<string, string>;
}

export function registerInjectCommand(program: Command, out: LineWriter, err: LineWriter, setExit: (code: number) => void): void {
  program
    .command('inject')
    .description('Send a trace\'s frames onto interfaces (libpcap, through the optional `cap` binding), as tcpreplay does.')
    .argument('<files...>', 'capture files (merged by time)')
    .option('-i, --interface <name>', 'send frames of every trace interface not given in --map here')
    .option('--map <trace=local>', 'send the frames of trace interface TRACE (its name, or number from 0) on LOCAL (repeatable)', mapping, new Map<string, string>())
    .option('--speed <x>', 'the capture\'s timing, x times faster (default 1)', positive('a speed'))
    .option('--pps <n>', 'a fixed rate, frames per second', positive('a rate'))
    .option('--topspeed', 'as fast as possible', false)
    .option('--loop <n>', 'send the trace n times', count, 1)
    .option('--only <filter>', 'send only frames matching this display filter (Wireshark\'s, as the UI\'s `/`: arp, ip.addr == 172.17.0.2, frame.interface_name == docker0 ...)', '')
    .action((files: string[], opts: InjectCommandOptions) => setExit(runInject(files, opts, out, err)));
}

function fail(err: LineWriter, message: string): number {
  err.line(`dockshark: ${safeText(message)}`);
  err.flush();
  return 2;
}

export function runInject(files: string[], opts: InjectCommandOptions, out: LineWriter, err: LineWriter): number {
  const chosen = [opts.speed !== undefined, opts.pps !== undefined, opts.topspeed].filter(Boolean).length;
  if (chosen > 1) return fail(err, 'choose one of --speed, --pps and --topspeed.');
  if (opts.interface === undefined && opts.map.size === 0) return fail(err, 'say where to send: -i IFACE, or --map TRACE_INTERFACE=LOCAL_INTERFACE.');
  let filter: FrameFilter;
  try {
    filter = parseFilter(opts.only);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return fail(err, `--only: ${error.message}`);
    throw error;
  }
  if (filter.usesChanges || filter.usesContainers) return fail(err, '--only: "change" and "container" need the analysis, which inject does not run.');
  let targets: Map<string, InjectTarget>;
  try {
    targets = openTargets([...(opts.interface === undefined ? [] : [opts.interface]), ...opts.map.values()]);
  } catch (error) {
    if (error instanceof LiveCaptureError) return fail(err, error.message);
    throw error;
  }
  const pacing: Pacing = opts.topspeed ? { kind: 'topspeed' } : opts.pps !== undefined ? { kind: 'pps', rate: opts.pps } : { kind: 'speed', factor: opts.speed ?? 1 };
  const run = new InjectRun(files, opts, targets, filter, new Pacer(pacing));
  const stop = (): void => { run.stopped = true; };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  run.start().then(() => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    for (const line of run.summary()) out.line(line);
    out.flush();
    for (const t of targets.values()) {
      if (t.failed > 0) err.line(`dockshark: ${t.failed} frames could not be sent on ${safeText(t.name)} (first: ${safeText(t.firstFailure ?? '')}).`);
      t.close();
    }
    err.flush();
    process.exitCode = run.failed > 0 ? 1 : 0;
  }, (error: unknown) => {
    for (const t of targets.values()) t.close();
    err.line(`dockshark: ${safeText(error instanceof Error ? error.message : String(error))}`);
    err.flush();
    process.exitCode = 1;
  });
  return 0;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });
const tick = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

class InjectRun {
  stopped = false;
  sent = 0;
  bytes = 0;
  failed = 0;
  skippedFilter = 0;
  skippedUnmapped = 0;
  skippedLinkType = 0;
  passes = 0;
  private started = 0;
  private elapsedMs = 0;
  private readonly decoder = new FrameDecoder({ vxlanPorts: [DEFAULT_VXLAN_PORT] });
  /** Local target per trace interface id (null: not sent). */
  private readonly routes = new Map<InterfaceInfo, InjectTarget | null>();
  private readonly filterFrame = new MutableFilterFrame();

  constructor(
    private readonly files: string[],
    private readonly opts: InjectCommandOptions,
    private readonly targets: Map<string, InjectTarget>,
    private readonly filter: FrameFilter,
    private readonly pacer: Pacer,
  ) {}

  async start(): Promise<void> {
    this.started = performance.now();
    for (let pass = 0; pass < Math.max(1, this.opts.loop) && !this.stopped; pass++) {
      await this.pass();
      this.passes++;
    }
    this.elapsedMs = performance.now() - this.started;
  }

  private route(iface: InterfaceInfo): InjectTarget | null {
    let target = this.routes.get(iface);
    if (target === undefined) {
      const local = (iface.name !== null ? this.opts.map.get(iface.name) : undefined) ?? this.opts.map.get(String(iface.id)) ?? this.opts.interface;
      target = local === undefined ? null : (this.targets.get(local) ?? null);
      this.routes.set(iface, target);
    }
    return target;
  }

  private matches(raw: RawFrame): boolean {
    const f = this.filterFrame;
    f.layers = this.decoder.decode(raw).layers;
    f.iface = raw.iface.name;
    f.no = raw.no;
    f.origLen = raw.origLen;
    f.capLen = raw.end - raw.start;
    return this.filter.matches(f);
  }

  private async pass(): Promise<void> {
    const source = new TimeOrderedSource(openCaptures(this.files));
    this.pacer.restart();
    const passStart = performance.now();
    let sentThisPass = 0;
    const filtering = this.opts.only.trim() !== '';
    try {
      for (let raw = source.next(); raw !== null && !this.stopped; raw = source.next()) {
        const target = this.route(raw.iface);
        if (target === null) { this.skippedUnmapped++; continue; }
        if (raw.iface.linkType !== LinkType.EN10MB) { this.skippedLinkType++; continue; }
        if (filtering && !this.matches(raw)) { this.skippedFilter++; continue; }
        const wait = this.pacer.dueMs(raw.tsSec, raw.tsNsec, sentThisPass) - (performance.now() - passStart);
        // The frame object stays valid while we wait: the source is not advanced.
        if (wait >= 1) await sleep(wait);
        else if ((sentThisPass & 4095) === 4095) await tick(); // let SIGINT through at top speed
        if (target.send(raw.data, raw.start, raw.end)) {
          this.sent++;
          this.bytes += raw.end - raw.start;
        } else this.failed++;
        sentThisPass++;
      }
    } finally {
      source.close();
    }
  }

  summary(): string[] {
    const s = this.elapsedMs / 1000;
    const rate = s > 0 ? this.sent / s : 0;
    const mbit = s > 0 ? (this.bytes * 8) / s / 1e6 : 0;
    const on = [...this.targets.values()].map((t) => `${safeText(t.name)} ${t.sent}`).join(', ');
    const lines = [`sent ${this.sent} frames (${this.bytes} bytes) in ${s.toFixed(3)} s: ${Math.round(rate)} frames/s, ${mbit.toFixed(2)} Mbit/s (${on}; ${this.passes} pass${this.passes === 1 ? '' : 'es'}).`];
    const skipped = [
      this.skippedFilter > 0 ? `${this.skippedFilter} not matching --only` : '',
      this.skippedUnmapped > 0 ? `${this.skippedUnmapped} from trace interfaces with no local interface (-i, --map)` : '',
      this.skippedLinkType > 0 ? `${this.skippedLinkType} not Ethernet` : '',
      this.failed > 0 ? `${this.failed} refused by the interface` : '',
    ].filter((t) => t !== '');
    if (skipped.length > 0) lines.push(`not sent: ${skipped.join(', ')}.`);
    if (this.stopped) lines.push('stopped by a signal before the end of the trace.');
    return lines;
  }
}
