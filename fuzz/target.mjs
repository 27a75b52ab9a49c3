// One fuzz case run through everything a capture reaches, from the built code in dist/:
// the streaming reader (frames, issues), the random-access reader the replay UI re-reads
// frames with, the decoders (the `decode` text line, --ndjson, display filters), the
// analysis engines as `analyze` runs them (report, JSON, text tables) and the replay
// (index, steps forward and back, seeks, the UI's screen rows as strings).
//
// Anything thrown is a crash. Broken invariants and raw control characters in text for the
// terminal are thrown as a FuzzFinding with their own kind.

import { statSync } from 'node:fs';
import { createEngines } from '../dist/analysis/engines.js';
import { runAnalysis } from '../dist/api/analysis-run.js';
import { reportForOutput } from '../dist/api/report.js';
import { openCaptures } from '../dist/capture/open.js';
import { FrameAt, FrameAtReader } from '../dist/capture/random-access.js';
import { reportReadIssues } from '../dist/cli/decode-command.js';
import { frameMatches } from '../dist/cli/filter-option.js';
import { analysisText } from '../dist/cli/format-analysis.js';
import { frameNdjson, frameText, terminalSafeJson } from '../dist/cli/format-frame.js';
import { describeLayers, FrameDecoder, MutableFilterFrame, parseFilter } from '../dist/decode/index.js';
import { ReplayCursor } from '../dist/replay/cursor.js';
import { ReplayIndex } from '../dist/replay/indexer.js';
import { PacketRowSource } from '../dist/ui/selectors/packet-rows.js';
import { buildScreen, INITIAL_UI } from '../dist/ui/selectors/screen-model.js';

export class FuzzFinding extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'FuzzFinding';
    this.kind = kind;
  }
}

const VXLAN_PORTS = [4789, 8472];
const FILTERS = [
  'ip.src == 10.0.0.1 || arp',
  'udp.port == 4789 && vxlan.vni > 0',
  'frame.len > 100 and not tcp',
  'dns.qry.name contains "a" or eth.addr == ff:ff:ff:ff:ff:ff',
  'ip.flags.df == 1 || icmp.type == 3 || ipv6',
].map(parseFilter);
/** C0 except newline, DEL and C1: what a terminal would act on. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** Steps stepped one by one at most (seeks cover the rest). */
const MAX_STEPS = 4000;
/** The compact layout (80x24) shows one detail pane as a tab; the wide one (160x60) all of them. */
const TABS = ['tree', 'hex', 'fdb', 'arp', 'nat', 'overlay', 'topology'];

export function checkText(where, text) {
  if (typeof text === 'string' && RAW_CONTROL.test(text)) {
    const at = text.search(RAW_CONTROL);
    throw new FuzzFinding('unescaped', `${where}: raw control character U+${text.charCodeAt(at).toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 20))}`);
  }
}

function invariant(ok, message) {
  if (!ok) throw new FuzzFinding('invariant', message);
}

/**
 * Runs every target on the capture at `path`; returns counts for the statistics. `variant`
 * (the case number) picks the screen checked, so each case pays for one: the wide layout
 * (every pane) on even cases, the compact one on odd ones, with the tabs in turn.
 */
export function runTargets(path, variant = 0) {
  const fileSize = statSync(path).size;
  const stats = { frames: 0, readIssues: 0, decodeIssues: 0, badHeader: false, steps: 0 };
  readAndDecode(path, fileSize, stats);
  analyse(path, stats);
  const layout = variant % 2 === 0 ? { width: 160, height: 60, tab: 'tree' } : { width: 80, height: 24, tab: TABS[Math.floor(variant / 2) % TABS.length] };
  if (!stats.badHeader) replay(path, stats, layout);
  return stats;
}

export function readAndDecode(path, fileSize, stats) {
  // a smaller window than the CLI's 1 MiB: its growth path gets exercised too
  const source = openCaptures([path], { chunkBytes: 64 * 1024 });
  const decoder = new FrameDecoder({ vxlanPorts: VXLAN_PORTS });
  const view = new MutableFilterFrame();
  let randomAccess = null;
  const at = new FrameAt();
  try {
    let expectedNo = 1;
    let lastOffset = -1;
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      invariant(raw.no === expectedNo, `frame numbers not consecutive: ${raw.no} after ${expectedNo - 1}`);
      expectedNo++;
      invariant(raw.fileOffset > lastOffset, `frame ${raw.no}: record at byte ${raw.fileOffset}, not after the previous one at ${lastOffset}`);
      lastOffset = raw.fileOffset;
      const capLen = raw.end - raw.start;
      invariant(raw.start >= 0 && raw.start <= raw.end && raw.end <= raw.data.length, `frame ${raw.no}: bytes [${raw.start}, ${raw.end}) outside its buffer of ${raw.data.length}`);
      invariant(raw.fileOffset >= 0 && raw.fileOffset + capLen <= fileSize, `frame ${raw.no}: record at ${raw.fileOffset} with ${capLen} bytes lies outside the ${fileSize}-byte file`);
      invariant(Number.isFinite(raw.tsSec) && raw.tsNsec >= 0 && raw.tsNsec < 1e9, `frame ${raw.no}: timestamp ${raw.tsSec} s ${raw.tsNsec} ns`);
      invariant(Number.isInteger(raw.origLen) && raw.origLen >= 0, `frame ${raw.no}: original length ${raw.origLen}`);
      invariant(raw.iface !== undefined && source.interfaces[raw.iface.id] === raw.iface, `frame ${raw.no}: interface ${raw.iface?.id} not among the ${source.interfaces.length} known`);
      const decoded = decoder.decode(raw);
      stats.decodeIssues += decoded.issues.length;
      checkText(`decode text of frame ${raw.no}`, frameText(raw, decoded));
      checkText(`decode --ndjson of frame ${raw.no}`, frameNdjson(raw, decoded));
      describeLayers(decoded.layers, raw.origLen);
      for (const filter of FILTERS) frameMatches(filter, view, raw, decoded.layers, raw.iface.name);
      // the random-access reader (the UI's packet list and steps) must find the same frame
      randomAccess ??= new FrameAtReader([path]);
      invariant(randomAccess.read(raw.iface.fileIndex, raw.fileOffset, raw.iface, at), `frame ${raw.no}: the random-access reader cannot re-read the record at ${raw.fileOffset}`);
      invariant(at.end - at.start === capLen && Buffer.compare(at.data.subarray(at.start, at.end), raw.data.subarray(raw.start, raw.end)) === 0,
        `frame ${raw.no}: the random-access reader re-reads ${at.end - at.start} bytes at ${raw.fileOffset}, not the ${capLen} bytes read`);
      invariant(at.origLen === raw.origLen, `frame ${raw.no}: the random-access reader gives original length ${at.origLen}, the reader ${raw.origLen}`);
      stats.frames++;
    }
  } finally {
    source.close();
    randomAccess?.close();
  }
  stats.readIssues = source.issues.length;
  stats.badHeader = source.issues.some((i) => i.kind === 'bad-header');
  for (const issue of source.issues) {
    invariant(Number.isInteger(issue.offset) && issue.offset >= 0 && issue.offset <= fileSize, `read issue at byte ${issue.offset} of a ${fileSize}-byte file: ${issue.message}`);
    // the library hands issues to onReadIssue (by default a process warning) as they are
    checkText('read issue (raw, as the library API reports it)', issue.message);
  }
  reportReadIssues([path], source.issues, { line: (text) => checkText('read issue message', text) });
}

export function analyse(path, stats) {
  const run = runAnalysis([path], createEngines, { vxlanPorts: VXLAN_PORTS, ageingSeconds: 300, keepEvents: true });
  const report = reportForOutput(run.pipeline.report(), run.pipeline.engineOptions.topology);
  checkText('analyze --json', terminalSafeJson(report));
  for (const line of analysisText(report, true)) checkText('analyze text', line);
  invariant(run.pipeline.frames === stats.frames, `analyze saw ${run.pipeline.frames} frames, the reader ${stats.frames}`);
}

export function replay(path, stats, layout = { width: 160, height: 60, tab: 'tree' }) {
  const index = new ReplayIndex([path], createEngines, { vxlanPorts: VXLAN_PORTS, checkpointEvery: 32 });
  let cursor = null;
  let rows = null;
  try {
    cursor = new ReplayCursor(index);
    index.indexAll();
    rows = new PacketRowSource(index, VXLAN_PORTS, null);
    const length = cursor.length;
    invariant(length === stats.frames, `the replay indexed ${length} steps, the reader read ${stats.frames} frames`);
    const forward = Math.min(length, MAX_STEPS);
    for (let i = 0; i < forward; i++) {
      invariant(cursor.forward(), `step ${cursor.position} of ${length}: cannot step forward`);
      checkText(`summary of step ${cursor.position}`, cursor.frame.summary);
    }
    stats.steps = forward;
    for (let i = 0; i < 2 && cursor.position > 0; i++) cursor.back();
    if (length > 0) {
      for (const target of [length >> 1, length]) {
        cursor.seek(target);
        invariant(cursor.position === target, `seek(${target}) ended at ${cursor.position}`);
      }
    }
    screen(index, cursor, rows, layout);
  } finally {
    rows?.close();
    cursor?.close();
    index.close();
  }
}

/** The screen the UI paints at the cursor, every string checked (no Ink: the pure selectors). */
function screen(index, cursor, rows, { width, height, tab }) {
  const timeline = index.timeline;
  const view = {
    position: cursor.position, length: cursor.length, indexDone: index.done, progress: 1, frame: cursor.frame,
    report: cursor.report({ events: false }), rows: (first, count) => rows.rows(first, count),
    lastFrameNo: timeline.length > 0 ? timeline.no(timeline.length - 1) : 0,
    playing: false, pace: { kind: 'capture', speed: 1 }, breakpoints: [], stopReason: null, message: null, topology: null, live: null,
  };
  const model = buildScreen(view, { ...INITIAL_UI, tab }, width, height);
  checkText('list header', model.listHeader);
  for (const line of model.listLines) checkText('packet list row', line.text);
  for (const [id, pane] of Object.entries(model.panes)) {
    checkText(`${id} pane title`, pane.title);
    for (const line of pane.lines) checkText(`${id} pane`, line.text);
  }
  for (const line of model.explanation) checkText('explanation', line);
  checkText('status line', model.status);
  checkText('bottom line', model.bottom.text);
}
