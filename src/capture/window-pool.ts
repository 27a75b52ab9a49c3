// Read windows that stay valid while frames in them are held.
//
// A ByteSource normally moves its unread tail to the front of its window before a read,
// overwriting the frames it handed out: fine for a consumer done with each frame before
// the next, but the reorder window (reorder.ts) holds thousands of frames, and copying each
// frame's bytes out cost a tenth of `analyze`'s time. Pinned to a pool, a ByteSource moves
// to a fresh window instead of overwriting one, and retires the old window; the holder
// counts the frames it holds in each window, and a retired window nobody holds goes back
// to the pool for the next switch.

/** One window and who still needs it. */
export class PinnedWindow {
  /** Frames held in it by the consumer. */
  held = 0;
  /** The ByteSource no longer reads into it. */
  retired = false;
  constructor(readonly bytes: Uint8Array) {}
}

/** Spare windows kept for reuse (more are left to the garbage collector). */
const MAX_SPARE = 8;

export class WindowPool {
  /** Windows a source is reading into or a holder still holds, by their bytes. */
  private readonly live = new Map<Uint8Array, PinnedWindow>();
  private readonly spare: Uint8Array[] = [];
  /** The record looked up last: frames come from one window for thousands in a row. */
  private lastBytes: Uint8Array | null = null;
  private lastWindow: PinnedWindow | null = null;

  /** A window of `size` bytes that nothing refers to, registered as in use. */
  take(size: number): Uint8Array {
    let bytes: Uint8Array | undefined;
    for (let i = this.spare.length - 1; i >= 0; i--) {
      if (this.spare[i].length === size) {
        bytes = this.spare[i];
        this.spare[i] = this.spare[this.spare.length - 1];
        this.spare.pop();
        break;
      }
    }
    bytes ??= new Uint8Array(size);
    this.adopt(bytes);
    return bytes;
  }

  /** Registers a window a source already reads into. */
  adopt(bytes: Uint8Array): void {
    if (!this.live.has(bytes)) this.live.set(bytes, new PinnedWindow(bytes));
  }

  /** The source stops reading into `bytes`: it is free once no frame in it is held. */
  retire(bytes: Uint8Array): void {
    const window = this.live.get(bytes);
    if (window === undefined) return;
    window.retired = true;
    if (window.held === 0) this.free(window);
  }

  /** The record of a registered window, or null for bytes no pinned source reads into. */
  windowOf(bytes: Uint8Array): PinnedWindow | null {
    if (bytes === this.lastBytes) return this.lastWindow;
    const window = this.live.get(bytes) ?? null;
    this.lastBytes = bytes;
    this.lastWindow = window;
    return window;
  }

  /** The holder let go of one frame in `window`. */
  release(window: PinnedWindow): void {
    window.held--;
    if (window.held === 0 && window.retired) this.free(window);
  }

  /** Windows registered and not yet free (for tests and memory checks). */
  get liveCount(): number {
    return this.live.size;
  }

  private free(window: PinnedWindow): void {
    this.live.delete(window.bytes);
    if (this.lastWindow === window) {
      this.lastBytes = null;
      this.lastWindow = null;
    }
    if (this.spare.length < MAX_SPARE) this.spare.push(window.bytes);
  }
}
