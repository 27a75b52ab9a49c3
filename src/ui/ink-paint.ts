// Ink's paint made cheaper, with the same output.
//
// Profiling a step at 120x40 (`node --cpu-prof bench/tui.mjs`) showed Ink's Output.get taking
// about half of it: every paint splits every line on screen into styled characters (an
// Intl.Segmenter pass and an object per character) in a cache that lives for one paint (a
// new Output per paint), builds a grid of an object per cell and turns each row into text
// computing a style difference (three Sets) per cell. The number of Ink nodes matters little
// (fewer, multi-line <Text>s measured slower: Ink's measure cache is per text).
// So, here:
// - each line on screen is turned once into a run (ink-line.ts: its text with its style
//   changes, and its width), kept from one paint to the next: a step changes a few lines; the
//   others (the packet list's rows only move down a line) are not read again;
// - a row is joined from the runs on it (ink-grid.ts), not from cells: the same text, cheaper.
//
// It reaches into Ink's internals (build/output.js and Ink's copy of @alcalzone/ansi-tokenize),
// so it applies to the Ink version it was written for only, and does nothing when anything
// is not as expected: the paint is then Ink's own, just slower.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { paintRows, type Operation } from './ink-grid.js';
import { LineRuns, type AnsiTools, type LineRun, type LineTools, type StyledChar } from './ink-line.js';

const INK_VERSION = '6.8.0';
/** Lines (runs, texts measured) kept: two generations of this many, a few screens' worth. */
const GENERATION = 2000;
/**
 * Lines kept split into styled characters: fewer, as a whole line costs about 45 KB (an
 * object with its own hidden class per character). Split are only the lines the fast reader
 * leaves to Ink (wide or other non-ASCII characters, such as the `→` in some explanations),
 * rows where writes overlap, and the short runs of style codes ink-line.ts reads (which it
 * keeps itself); the runs of those lines are kept with the others. At 2000 these alone grew
 * the heap by 1.1 MB per 1000 steps, towards 180 MB.
 */
const STYLED_GENERATION = 100;

/** Ink's per-paint caches (build/output.js, OutputCaches). */
interface OutputCaches {
  getStyledChars(line: string): readonly StyledChar[];
  getStringWidth(text: string): number;
  getWidestLine(text: string): number;
}

interface InkOutput {
  readonly width: number;
  readonly height: number;
  readonly operations: readonly Operation[];
  caches: OutputCaches;
}

interface OutputClass {
  new (options: { width: number; height: number }): InkOutput;
  prototype: { get(this: InkOutput): { output: string; height: number } };
}

/** A map kept as two generations: when the newer is full it becomes the older, and the older is dropped. */
class Generations<T> {
  private now = new Map<string, T>();
  private last = new Map<string, T>();

  constructor(private readonly compute: (key: string) => T, private readonly size = GENERATION) {}

  get(key: string): T {
    let value = this.now.get(key);
    if (value === undefined) {
      value = this.last.get(key) ?? this.compute(key);
      if (this.now.size >= this.size) {
        this.last = this.now;
        this.now = new Map();
      }
      this.now.set(key, value);
    }
    return value;
  }
}

let installed: Promise<boolean> | null = null;

/** Installs the cheaper paint (once); resolves to false when this Ink is not the one expected. */
export function speedUpInkPaint(): Promise<boolean> {
  installed ??= install().catch(() => false);
  return installed;
}

async function install(): Promise<boolean> {
  const inkMain = createRequire(import.meta.url).resolve('ink');
  const inkRoot = dirname(dirname(inkMain));
  if (packageVersion(inkRoot) !== INK_VERSION) return false;
  const Output = ((await import(pathToFileURL(join(dirname(inkMain), 'output.js')).href)) as { default: OutputClass }).default;
  const tokenizeRoot = packageDir(inkRoot, '@alcalzone/ansi-tokenize');
  if (tokenizeRoot === null) return false;
  const tools = (await import(pathToFileURL(join(tokenizeRoot, 'build', 'index.js')).href)) as Partial<AnsiTools>;
  const inkGet = Output.prototype.get;
  const own = new Output({ width: 0, height: 0 }).caches;
  if (typeof inkGet !== 'function' || typeof tools.ansiCodesToString !== 'function' || typeof tools.diffAnsiCodes !== 'function'
    || typeof own?.getStyledChars !== 'function' || typeof own.getStringWidth !== 'function' || typeof own.getWidestLine !== 'function') return false;
  // Ink's own functions compute the values, each on a fresh cache of Ink's (which then holds that one entry).
  const fresh = () => new (own.constructor as new () => OutputCaches)();
  const styled = new Generations<readonly StyledChar[]>((line) => fresh().getStyledChars(line), STYLED_GENERATION);
  const widths = new Generations((text) => fresh().getStringWidth(text));
  const widest = new Generations((text) => own.getWidestLine.call(shared, text));
  const shared: OutputCaches = {
    getStyledChars: (line) => styled.get(line),
    getStringWidth: (text) => widths.get(text),
    getWidestLine: (text) => widest.get(text),
  };
  const ansi = tools as AnsiTools;
  const lineTools: LineTools = {
    getStyledChars: shared.getStyledChars, getStringWidth: shared.getStringWidth,
    ansiCodesToString: ansi.ansiCodesToString, diffAnsiCodes: ansi.diffAnsiCodes,
  };
  const lineRuns = new LineRuns(lineTools);
  const runs = new Generations<LineRun>((line) => lineRuns.run(line));
  const runOf = (line: string) => runs.get(line);
  Output.prototype.get = function get(this: InkOutput) {
    this.caches = shared;
    // Clipping (overflow="hidden", which this UI does not use) is left to Ink.
    if (this.operations.some((operation) => operation.type !== 'write')) return inkGet.call(this);
    return paintRows(this.width, this.height, this.operations, runOf, lineTools);
  };
  return true;
}

function packageVersion(root: string): string | undefined {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
}

/** Where `name` is installed as Node would find it from `from` (node_modules up the tree). */
function packageDir(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
