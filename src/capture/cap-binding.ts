// The optional `cap` libpcap binding, loaded lazily so that every command except live
// capture and inject works where it failed to build. Its failures become one sentence
// saying what to do (LiveCaptureError), never a stack trace.
//
// Measured facts about cap 0.2.1 (../shared/design/libraries.md): no kernel timestamps,
// no original length, no pcap_stats (so no kernel drop counts); snaplen 65535,
// promiscuous and immediate mode always on; open() throws libpcap's own messages.
// Immediate mode makes libpcap use TPACKET_V2, whose ring has one slot per frame of the
// snapshot length (65535, and libpcap keeps it when the interface has TSO/GSO/GRO on, as
// veths and bridges do): a 32 MiB buffer is 512 frames, whatever their size.

import { createRequire } from 'node:module';

/** One libpcap handle (cap's `Cap` object). */
export interface CapSession {
  /**
   * Opens `device`; frames are copied into `buffer`, which cap does not keep alive:
   * the caller must hold on to it for as long as the session is open.
   */
  open(device: string, filter: string, bufferBytes: number, buffer: Buffer): string;
  close(): void;
  send(buffer: Buffer, length?: number): void;
}

/** Called for every frame a session receives: its bytes are `buffer[0, nbytes)` of the session's buffer. */
export type PacketListener = (nbytes: number, truncated: boolean) => void;

/** A session whose frames go to `onPacket` (see receivingSession). */
export interface ReceivingSession extends CapSession {
  onPacket: PacketListener;
}

export interface CapDevice {
  readonly name: string;
  readonly description?: string;
  readonly addresses: readonly { readonly addr?: string }[];
  readonly flags?: string;
}

export interface CapModule {
  readonly Cap: (new () => CapSession) & { deviceList(): CapDevice[] };
}

/** A failure of live capture or injection the user can fix: `message` is the sentence to print. */
export class LiveCaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}

/** Set to simulate a machine where cap did not build (tests; also a way to rule cap out). */
export const NO_CAP_ENV = 'DOCKSHARK_NO_CAP';

const MISSING = 'live capture needs the optional `cap` libpcap binding, which is not installed or did not build: '
  + 'install libpcap-dev (apt-get install -y libpcap-dev), python3, make and g++, then run `npm rebuild cap` '
  + '(or reinstall dockshark).';

let loaded: CapModule | null = null;

/** cap, or a LiveCaptureError saying how to get it. */
export function loadCap(): CapModule {
  if (loaded !== null) return loaded;
  if (process.env[NO_CAP_ENV]) throw new LiveCaptureError(MISSING);
  const require = createRequire(import.meta.url);
  try {
    loaded = require('cap') as CapModule;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // A binary built for another Node (NODE_MODULE_VERSION) needs a rebuild, not libpcap.
    if (/NODE_MODULE_VERSION/.test(text)) {
      throw new LiveCaptureError(`the \`cap\` binding was built for another Node version than ${process.version}: `
        + 'run `npm rebuild cap` with this Node (see the README, "Live capture").');
    }
    throw new LiveCaptureError(MISSING);
  }
  return loaded;
}

/** A listener that drops frames: sessions start with it, and get it back when closed. */
export const ignorePacket: PacketListener = () => undefined;
const receivingClasses = new WeakMap<CapModule, new () => ReceivingSession>();

/**
 * A new session that calls `onPacket` for every frame. cap's native constructor keeps the
 * object's `emit` and calls it once per frame (emit('packet', nbytes, truncated)); the
 * EventEmitter's emit looks up and copies the listeners on every call, this one calls the
 * one listener: a subclass, so that its `emit` is the one cap finds when it constructs.
 */
export function receivingSession(cap: CapModule, onPacket: PacketListener): ReceivingSession {
  let Receiving = receivingClasses.get(cap);
  if (Receiving === undefined) {
    Receiving = class extends cap.Cap implements ReceivingSession {
      onPacket = ignorePacket;

      emit(event: string, nbytes: number, truncated: boolean): boolean {
        if (event === 'packet') this.onPacket(nbytes, truncated);
        return true;
      }
    };
    receivingClasses.set(cap, Receiving);
  }
  const session = new Receiving();
  session.onPacket = onPacket;
  return session;
}

/** Turns an error thrown by cap's open() or send() into the sentence that says what to do. */
export function explainCapError(error: unknown, device: string, filter: string): LiveCaptureError {
  const text = error instanceof Error ? error.message : String(error);
  const quoted = JSON.stringify(device);
  if (/Operation not permitted|Permission denied|You don't have permission/i.test(text)) {
    return new LiveCaptureError(`cannot open ${quoted}: not permitted (${text.trim()}); run as root, or grant the capability: `
      + 'sudo setcap cap_net_raw,cap_net_admin+eip "$(command -v node)".');
  }
  if (/No such device|doesn't exist|not exist/i.test(text)) {
    return new LiveCaptureError(`there is no interface ${quoted} here; \`dockshark list-interfaces\` lists those that can be captured.`);
  }
  if (filter !== '' && /syntax|unknown|parse|expression|illegal|filter|not supported|can't|invalid/i.test(text)) {
    return new LiveCaptureError(`the capture filter ${JSON.stringify(filter)} is not valid BPF (${text.trim()}); `
      + 'check it with `tcpdump -d FILTER`, or see `man pcap-filter`.');
  }
  return new LiveCaptureError(`cannot open ${quoted}: ${text.trim()}.`);
}

/** libpcap's link-type names as cap reports them, to LINKTYPE_* numbers. */
export function linkTypeNumber(name: string): number {
  switch (name) {
    case 'ETHERNET': return 1;
    case 'LINKTYPE_LINUX_SLL': return 113;
    case 'RAW': return 101;
    case 'NULL': return 0;
    case 'IEEE802_11_RADIO': return 127;
    default: {
      // "Unknown linktype N": N is a DLT value, equal to its LINKTYPE for all but a few.
      const n = /(\d+)/.exec(name);
      return n === null ? 147 : Number(n[1]); // 147: LINKTYPE_USER0, "we do not know"
    }
  }
}
