// dockshark's argument parsing. Commands live in their own modules.

import { Command, Option } from 'commander';
import { safeLines, safeText } from '../decode/index.js';
import { DEFAULT_MAX_CONVERSATIONS } from '../analysis/conversations.js';
import { runAnalyze } from './analyze-command.js';
import { runCheck } from './check-command.js';
import { registerCaptureCommands } from './capture-command.js';
import { registerCaptureChildCommand } from './capture-child-command.js';
import { registerInjectCommand } from './inject-command.js';
import { collect, count, limits, port, positive, seconds, TOPOLOGY_HELP } from './arg-parsers.js';
import type { AnalysisLimits } from '../analysis/limits.js';
import { runDecode, DEFAULT_VXLAN_PORT } from './decode-command.js';
import { runDiff } from './diff-command.js';
import { registerOpenCommand } from './open-command.js';
import { runReplay } from './replay-command.js';
import { runSimulate } from './simulate-command.js';
import { runSnapshot } from './snapshot-command.js';
import { runStats } from './stats-command.js';
import { runVerify } from './verify-command.js';
import { LineWriter, PipeClosed } from './output.js';
import { IGNORABLE, IGNORE_HELP } from '../verify/compare/options.js';
import { isCaptureOpenFailure, isUsageFailure } from './usage-failure.js';
import { EXIT_UNUSABLE_INPUT } from './read-issues.js';

const FILTER_EXAMPLE = '"arp || ip.addr == 172.17.0.0/16", "vxlan.vni == 42 && inner.icmp", "change == fdb.move"';

export function buildProgram(out: LineWriter, err: LineWriter, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('dockshark')
    .description('Packet-capture analyzer and trace replayer for container networks.')
    .showHelpAfterError()
    // A usage error (bad option, bad value) is 2 in every command, as unusable input is; 1 keeps
    // each command's own "no". Set before the commands, which inherit it.
    .exitOverride((e) => { if (e.exitCode !== 0) process.exit(2); })
    // Commander's own errors quote the arguments (a file or filter named with ESC): escaped
    // like every other message. Set before the commands, which inherit it.
    .configureOutput({ writeErr: (text) => process.stderr.write(safeLines(text)) });
  program
    .command('decode')
    .description('Decode captures (pcap, pcapng, `-i any`) frame by frame. Several files are merged by timestamp; `-` reads standard input.')
    .argument('<files...>', 'capture files, or - for standard input')
    .option('--ndjson', 'one JSON object per frame instead of text', false)
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable, e.g. 8472 for Flannel)`, port, [])
    .option('-c, --count <n>', 'stop after n frames', count, 0)
    .option('-Y, --display-filter <filter>', `only the frames that match this display filter (Wireshark's language: ${FILTER_EXAMPLE})`)
    .option('--topology <file>', `${TOPOLOGY_HELP}: names for the filter's \`container\``, collect, [])
    .option('-w, --write <file>', 'write the frames to this file instead of printing them (.pcap: classic pcap; else pcapng, keeping interfaces and names)')
    .action((files: string[], opts: { ndjson: boolean; vxlanPort: number[]; count: number; write?: string; displayFilter?: string; topology: string[] }) => {
      setExit(runDecode(files, {
        ndjson: opts.ndjson, vxlanPorts: opts.vxlanPort, count: opts.count, write: opts.write, filter: opts.displayFilter, topology: opts.topology,
      }, out, err));
    });
  program
    .command('analyze')
    .description('Rebuild bridge FDBs, ARP tables, NAT translations and VXLAN tunnels from captures.')
    .argument('<files...>', 'capture files (merged by time), or - for standard input')
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--json', 'one JSON object instead of tables', false)
    .option('--ndjson', 'one JSON line per change as the engines make it, then {"report": ...} (the --json object without its events)', false)
    .option('--events', 'also print every change, frame by frame', false)
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .option('-c, --count <n>', 'analyse only the first n frames (in time order)', count, 0)
    .option('--limit <name=n,...>', 'cap a table (repeatable): fdb, interfaces, neigh, conntrack, nat-history, vni, overlay-fdb, tunnels, frag, frag-time, events, recent, housekeeping-macs; a full table is reported (nat-history: ended NAT connections listed, the rest counted)', limits)
    .option('-Y, --display-filter <filter>', 'list (and write with -w) only the frames that match, and their changes; the tables still come from every frame, as the kernel saw them all')
    .option('-w, --write <file>', 'also write the analysed frames to this file (.pcap: classic pcap; else pcapng, keeping interfaces and names)')
    .action((files: string[], opts: { topology: string[]; json: boolean; ndjson: boolean; events: boolean; vxlanPort: number[]; ageing: number; count: number; write?: string; displayFilter?: string; limit?: Partial<AnalysisLimits> }) => {
      setExit(runAnalyze(files, {
        json: opts.json, ndjson: opts.ndjson, events: opts.events, topology: opts.topology, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing,
        count: opts.count, write: opts.write, filter: opts.displayFilter, limits: opts.limit,
      }, out, err));
    });
  program
    .command('stats')
    .description('Conversations and endpoints per layer, as `tshark -z conv,...` counts them, and VXLAN tunnels (one per VNI and VTEP pair).')
    .argument('<files...>', 'capture files (merged by time), or - for standard input')
    .option('--json', 'one JSON object instead of tables', false)
    .option('--layer <names>', 'the tables to show, comma-separated: eth, ip, ipv6, udp, tcp, vxlan (repeatable; default: all)', collect, [])
    .option('--endpoints', 'also list every address (with its port for UDP/TCP): frames and bytes sent and received', false)
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('-c, --count <n>', 'count only the first n frames', count, 0)
    .option('-Y, --display-filter <filter>', 'count only the frames that match this display filter')
    .option('--topology <file>', `${TOPOLOGY_HELP}: names for the filter's \`container\``, collect, [])
    .option('--max-conversations <n>', `conversations kept per table; the frames of later ones are counted and reported (default: ${DEFAULT_MAX_CONVERSATIONS})`, positive)
    .action((files: string[], opts: { json: boolean; layer: string[]; endpoints: boolean; vxlanPort: number[]; count: number; displayFilter?: string; topology: string[]; maxConversations?: number }) => {
      setExit(runStats(files, {
        json: opts.json, layers: opts.layer, endpoints: opts.endpoints, vxlanPorts: opts.vxlanPort, count: opts.count,
        filter: opts.displayFilter, topology: opts.topology, maxConversations: opts.maxConversations,
      }, out, err));
    });
  program
    .command('replay')
    .description('The tables after the first N frames (in time order), as `analyze` reports them for those frames.')
    .argument('<files...>', 'capture files (merged by time)')
    .option('--at <n>', 'frames to apply (default: all)', count)
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--json', 'one JSON object (the shape of `analyze --json`) instead of tables', false)
    .option('--events', 'also print every change up to that frame', false)
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .option('--until <filter>', 'then run on to the first frame that matches this display filter (e.g. "change == fdb.move") and report the tables after it')
    .action((files: string[], opts: { at?: number; topology: string[]; json: boolean; events: boolean; vxlanPort: number[]; ageing: number; until?: string }) => {
      setExit(runReplay(files, {
        at: opts.at ?? null, json: opts.json, events: opts.events, topology: opts.topology, vxlanPorts: opts.vxlanPort,
        ageingSeconds: opts.ageing, until: opts.until,
      }, out, err));
    });
  program
    .command('verify')
    .description('Compare the tables rebuilt from captures with the kernel\'s own; exit 1 on a difference.')
    .argument('<files...>', 'capture files (merged by time)')
    .option('--kernel <file>', 'the kernel\'s table: `bridge -j fdb show`, `ip -j neigh show` or `conntrack -L` output (repeatable)', collect, [])
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--json', 'one JSON object instead of tables', false)
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .action((files: string[], opts: { kernel: string[]; topology: string[]; json: boolean; vxlanPort: number[]; ageing: number }) => {
      setExit(runVerify(files, {
        kernel: opts.kernel, topology: opts.topology, json: opts.json, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing,
      }, out, err));
    });
  program
    .command('simulate')
    .description('Simulate the Linux data path of a YAML topology (docs/simulate.md) and write the frames of every link to a pcapng.')
    .argument('<topology>', 'the YAML topology file')
    .option('--run <command>', 'traffic: "c1 ping c2", "c2 udp wan:7 sport 40000", "wan tcp host:8080" (repeatable, run in order)', collect, [])
    .requiredOption('-w, --write <file>', 'the pcapng to write')
    .option('-i, --interface <name>', 'capture point to write: a device name, NODE:NAME, or all (repeatable; default: every host-side device)', collect, [])
    .action((topology: string, opts: { run: string[]; write: string; interface: string[] }) => {
      setExit(runSimulate(topology, opts, out, err));
    });
  program
    .command('diff')
    .description('Compare two traces semantically (ARP, FDB, NAT, VXLAN); exit 1 on a difference.')
    .argument('<observed>', 'capture file, or files separated by commas (merged by time)')
    .argument('<expected>', 'capture file(s) to compare with (e.g. a `dockshark simulate` output), or a simulate topology (YAML) with --run')
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--run <command>', 'when EXPECTED is a simulate topology (YAML): the traffic to simulate (repeatable)', collect, [])
    .option('-i, --interface <name>', 'when EXPECTED is a topology: the capture points to simulate (as simulate -i)', collect, [])
    .action((observed: string, expected: string, opts: { vxlanPort: number[]; run: string[]; interface: string[] }) => {
      setExit(runDiff(observed, expected, { vxlanPorts: opts.vxlanPort, run: opts.run, interface: opts.interface }, out, err));
    });
  program
    .command('snapshot')
    .description('Print what the captures reconstruct (the analyze report) and its ordered change log as stable JSON, for `dockshark check --expect`.')
    .argument('<files...>', 'capture files (merged by time)')
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .option('--with-volatile', 'also record when, where (absolute paths), by which dockshark version and how fast (check never compares these)', false)
    .action((files: string[], opts: { topology: string[]; vxlanPort: number[]; ageing: number; withVolatile: boolean }) => {
      setExit(runSnapshot(files, { topology: opts.topology, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing, withVolatile: opts.withVolatile }, out, err));
    });
  program
    .command('check')
    .description('Analyse the captures again and compare the run with a `dockshark snapshot`: exit 0 when they match, 1 with one line per difference, 2 when the input is unusable.')
    .argument('<files...>', 'capture files (merged by time)')
    .requiredOption('--expect <file>', 'the snapshot to compare with')
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--vxlan-port <port>', 'also decode this UDP port as VXLAN (repeatable; default: the snapshot\'s ports)', port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time (default: the snapshot\'s)', seconds)
    .option('--ignore <what>', `leave out of the comparison, repeatable or comma-separated: ${IGNORABLE.join(', ')}`, collect, [])
    .addOption(new Option('--match-by <what>', 'match ARP, FDB and NAT entries by MAC, or by the IPv4 address each MAC claimed (Docker gives containers random MACs)')
      .choices(['mac', 'ip']).default('mac'))
    .addHelpText('after', `\n--ignore:\n${IGNORABLE.map((i) => `  ${i.padEnd(11)} ${IGNORE_HELP[i]}`).join('\n')}`)
    .action((files: string[], opts: { expect: string; topology: string[]; vxlanPort: number[]; ageing?: number; ignore: string[]; matchBy: 'mac' | 'ip' }) => {
      setExit(runCheck(files, {
        expect: opts.expect, topology: opts.topology, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing, ignore: opts.ignore, matchBy: opts.matchBy,
      }, out, err));
    });
  registerOpenCommand(program, out, err, setExit);
  registerCaptureCommands(program, out, err, setExit);
  registerCaptureChildCommand(program, out, err, setExit);
  registerInjectCommand(program, out, err, setExit);
  return program;
}

export function main(argv: string[]): number {
  const out = new LineWriter(1);
  const err = new LineWriter(2, true);
  let code = 0;
  try {
    buildProgram(out, err, (c) => { code = c; }).parse(argv);
  } catch (e) {
    if (e instanceof PipeClosed) return 0;
    // I/O failures (a missing or unreadable file) are the user's to fix: say so in one line.
    // Anything else is a bug and keeps its stack trace.
    if (isUsageFailure(e)) {
      // The message can quote the file (JSON.parse shows the bytes it stopped at): escape it.
      err.line(`dockshark: ${safeText((e as Error).message)}`);
      err.flush();
      // A capture that cannot be opened is unusable input (2); other files (topology...) keep 1.
      return isCaptureOpenFailure(e) ? EXIT_UNUSABLE_INPUT : 1;
    }
    throw e;
  }
  return code;
}
