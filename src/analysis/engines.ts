// The engines `dockshark analyze` runs, in report order. The overlay engine runs
// its own bridge and ARP engines per VNI on the frames inside the tunnels.

import { ArpEngine } from './arp-table.js';
import { FdbEngine } from './fdb.js';
import { NaptEngine } from './napt.js';
import { OverlayEngine } from './overlay.js';
import type { Engine, EngineOptions } from './types.js';

export function createEngines(options: EngineOptions): Engine[] {
  return [
    new FdbEngine(options),
    new ArpEngine(options),
    new NaptEngine(options),
    new OverlayEngine(options, (vni) => [new FdbEngine(options), new ArpEngine(options, `VNI ${vni}`)]),
  ];
}
