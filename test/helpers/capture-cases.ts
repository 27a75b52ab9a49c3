// Every recording in captures/, alone and with its scenario's topology (the kernel's link
// dump), with helpers to push its frames into a pipeline as runAnalysis would.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { openCaptures } from '../../src/capture/open.js';
import { TimeOrderedSource } from '../../src/capture/reorder.js';
import { createEngines } from '../../src/analysis/engines.js';
import { AnalysisPipeline, type CapturedFrame } from '../../src/analysis/pipeline.js';
import type { Engine, EngineOptions } from '../../src/analysis/types.js';
import { loadTopology } from '../../src/api/analysis-run.js';
import { capturesDir } from './paths.js';

export const VXLAN_PORTS = [4789, 8472];

export interface CaptureCase {
  name: string;
  file: string;
  topology: string[];
}

export function captureCases(): CaptureCase[] {
  const out: CaptureCase[] = [];
  const scenarios = readdirSync(capturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const scenario of scenarios) {
    const dir = resolve(capturesDir, scenario);
    const names = readdirSync(dir).sort();
    const links = names.filter((f) => /^truth-.*-links\.json$/.test(f) && !f.includes('-before')).map((f) => resolve(dir, f));
    for (const capture of names.filter((f) => /\.pcap(ng)?$/.test(f))) {
      out.push({ name: `${scenario}/${capture}`, file: resolve(dir, capture), topology: [] });
      if (links.length > 0) out.push({ name: `${scenario}/${capture} + topology`, file: resolve(dir, capture), topology: links });
    }
  }
  return out;
}

/** The frames in the order runAnalysis pushes them, each with bytes of its own. */
export function timeOrderedFrames(file: string): CapturedFrame[] {
  const source = new TimeOrderedSource(openCaptures([file]));
  const frames: CapturedFrame[] = [];
  for (let f = source.next(); f !== null; f = source.next()) {
    const data = f.data.slice(f.start, f.end);
    frames.push({
      no: f.no, tsSec: f.tsSec, tsNsec: f.tsNsec, origLen: f.origLen, data, start: 0, end: data.length, direction: f.direction, iface: f.iface,
    });
  }
  source.close();
  return frames;
}

/** A pipeline as runAnalysis makes one (the capture's interfaces tell it when no copy can exist). */
export function newPipeline(c: CaptureCase, makeEngines: (options: EngineOptions) => Engine[] = createEngines): AnalysisPipeline {
  const topology = loadTopology(c.topology);
  const options = { topology, ageingSeconds: 300, vxlanPorts: VXLAN_PORTS };
  const source = openCaptures([c.file]);
  const captureInterfaces = source.interfaces;
  source.close();
  return new AnalysisPipeline(makeEngines(options), { ...options, captureInterfaces }, topology);
}
