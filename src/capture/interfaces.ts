// Global interface numbering for one run over several files.
//
// Each file (and each pcapng section inside it) numbers its own interfaces from 0; the
// registry gives every one of them a run-wide id, in the order readers meet them, so that
// `interfaces[frame.iface.id] === frame.iface` holds for a merged FrameSource.

import type { InterfaceInfo } from './types.js';

export type InterfaceDescription = Omit<InterfaceInfo, 'id'>;

export class InterfaceRegistry {
  private readonly list: InterfaceInfo[] = [];

  /** Every interface registered so far, in id order. The array grows in place. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Registers an interface and returns it, frozen, with its run-wide id. */
  add(description: InterfaceDescription): InterfaceInfo {
    const info: InterfaceInfo = Object.freeze({ ...description, id: this.list.length });
    this.list.push(info);
    return info;
  }

  get(id: number): InterfaceInfo | undefined {
    return this.list[id];
  }

  /** The interfaces of one input file, in registration order. */
  ofFile(fileIndex: number): InterfaceInfo[] {
    return this.list.filter((info) => info.fileIndex === fileIndex);
  }
}
