/**
 * A regular-expression engine whose matching time is linear in the subject's length (a Thompson NFA simulated
 * step by step, as RE2 and Go's regexp do), for patterns that users put in endpoint filters. JavaScript's RegExp
 * backtracks: `(a+)+$` on 30 `a`s and a `b` takes seconds, and a filter runs in fan-out, for every event. Here no
 * input can take more than (subject length + 1) × (program size) steps.
 *
 * The syntax is the common subset: literals, `.`, `[...]` classes with ranges and negation, `\d \w \s \D \W \S`,
 * escapes (`\t \n \r \f \v \xHH \uHHHH` and escaped punctuation), `^ $` (whole subject), groups `( )` and `(?: )`,
 * `|`, and the quantifiers `* + ? {n} {n,} {n,m}` (counts up to {@link MAX_REPEAT}; a lazy `?` suffix is accepted
 * and means nothing, since only whether it matches is asked). Back-references, look-around and `\b` are refused:
 * they have no linear-time implementation.
 */

/** Longest pattern accepted, in characters. */
export const MAX_PATTERN_LENGTH = 256;
/** Largest count in `{n,m}`. */
export const MAX_REPEAT = 100;
/** Largest compiled program (states), whatever the counts multiply to. */
export const MAX_PROGRAM_STATES = 2_000;

/** A pattern the engine refuses, with the reason. */
export class RegexSyntaxError extends Error {}

type CharTest = (c: number) => boolean;
type Node =
  | { k: 'char'; test: CharTest; code?: number }
  | { k: 'bol' }
  | { k: 'eol' }
  | { k: 'cat'; parts: Node[] }
  | { k: 'alt'; options: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number }; // max -1: unbounded

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x202f || c === 0x205f || c === 0x3000;
const not = (t: CharTest): CharTest => (c) => !t(c);
const CLASS_ESCAPES: Record<string, CharTest> = { d: isDigit, D: not(isDigit), w: isWord, W: not(isWord), s: isSpace, S: not(isSpace) };
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

class Parser {
  #i = 0;
  readonly #src: string;
  constructor(src: string) {
    this.#src = src;
  }

  parse(): Node {
    const node = this.#alt();
    if (this.#i < this.#src.length) throw new RegexSyntaxError(`unmatched ')' at ${this.#i}`);
    return node;
  }

  #peek(): string | undefined {
    return this.#src[this.#i];
  }

  #alt(): Node {
    const options = [this.#cat()];
    while (this.#peek() === '|') {
      this.#i++;
      options.push(this.#cat());
    }
    return options.length === 1 ? options[0]! : { k: 'alt', options };
  }

  #cat(): Node {
    const parts: Node[] = [];
    for (let c = this.#peek(); c !== undefined && c !== '|' && c !== ')'; c = this.#peek()) parts.push(this.#repeat());
    return { k: 'cat', parts };
  }

  #repeat(): Node {
    const at = this.#i;
    const atom = this.#atom();
    const q = this.#quantifier();
    if (!q) return atom;
    if (atom.k === 'bol' || atom.k === 'eol') throw new RegexSyntaxError(`nothing to repeat at ${at}`);
    if (this.#peek() === '?') this.#i++; // lazy: the same answer to "does it match"
    if (this.#quantifier()) throw new RegexSyntaxError(`nothing to repeat at ${this.#i - 1}`);
    return { k: 'rep', node: atom, ...q };
  }

  #quantifier(): { min: number; max: number } | undefined {
    const c = this.#peek();
    if (c === '*' || c === '+' || c === '?') {
      this.#i++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : -1 };
    }
    if (c !== '{') return undefined;
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.#src.slice(this.#i));
    if (!m) throw new RegexSyntaxError(`'{' at ${this.#i} is not a count (escape it as \\{)`);
    this.#i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT) throw new RegexSyntaxError(`counts are limited to ${MAX_REPEAT}`);
    if (max !== -1 && max < min) throw new RegexSyntaxError(`{${min},${max}}: the maximum is below the minimum`);
    return { min, max };
  }

  #atom(): Node {
    const at = this.#i;
    const c = this.#src[this.#i++]!;
    switch (c) {
      case '.':
        return { k: 'char', test: (x) => x !== 10 && x !== 13 && x !== 0x2028 && x !== 0x2029 };
      case '^':
        return { k: 'bol' };
      case '$':
        return { k: 'eol' };
      case '(': {
        if (this.#peek() === '?') {
          if (this.#src[this.#i + 1] !== ':') throw new RegexSyntaxError(`look-around and named groups are not supported (at ${at})`);
          this.#i += 2;
        }
        const inner = this.#alt();
        if (this.#peek() !== ')') throw new RegexSyntaxError(`unterminated group opened at ${at}`);
        this.#i++;
        return inner;
      }
      case ')':
        throw new RegexSyntaxError(`unmatched ')' at ${at}`);
      case '*': case '+': case '?': case '{':
        throw new RegexSyntaxError(`nothing to repeat at ${at}`);
      case '[':
        return { k: 'char', test: this.#class(at) };
      case '\\': {
        const e = this.#escape(false);
        return typeof e === 'number' ? { k: 'char', test: (x) => x === e, code: e } : { k: 'char', test: e };
      }
      default:
        return ((code) => ({ k: 'char', test: (x: number) => x === code, code }))(c.charCodeAt(0));
    }
  }

  /** After `\`: a class escape (a test) or one character code. */
  #escape(inClass: boolean): CharTest | number {
    const c = this.#src[this.#i++];
    if (c === undefined) throw new RegexSyntaxError('the pattern ends with \\');
    if (CLASS_ESCAPES[c]) return CLASS_ESCAPES[c];
    if (CONTROL_ESCAPES[c] !== undefined) return CONTROL_ESCAPES[c];
    if (c === 'x' || c === 'u') {
      const digits = c === 'x' ? 2 : 4;
      const hex = this.#src.slice(this.#i, this.#i + digits);
      if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) throw new RegexSyntaxError(`\\${c} needs ${digits} hex digits`);
      this.#i += digits;
      return parseInt(hex, 16);
    }
    if (c === 'b' && inClass) return 8;
    if (c === '0' && !isDigit(this.#src.charCodeAt(this.#i))) return 0;
    if (/[0-9]/.test(c)) throw new RegexSyntaxError('back-references are not supported');
    if (/[A-Za-z]/.test(c)) throw new RegexSyntaxError(`\\${c} is not supported`);
    return c.charCodeAt(0);
  }

  #class(at: number): CharTest {
    const negated = this.#peek() === '^';
    if (negated) this.#i++;
    const tests: CharTest[] = [];
    for (;;) {
      const c = this.#src[this.#i];
      if (c === undefined) throw new RegexSyntaxError(`unterminated character class opened at ${at}`);
      // As in JavaScript, `[]` matches nothing and `[^]` anything.
      if (c === ']') {
        this.#i++;
        break;
      }
      const lo = this.#classAtom();
      if (this.#peek() === '-' && this.#src[this.#i + 1] !== ']' && this.#src[this.#i + 1] !== undefined && typeof lo === 'number') {
        this.#i++;
        const hi = this.#classAtom();
        if (typeof hi !== 'number') throw new RegexSyntaxError(`a range in the class at ${at} ends with a class escape`);
        if (hi < lo) throw new RegexSyntaxError(`range out of order in the class at ${at}`);
        tests.push((x) => x >= lo && x <= hi);
      } else {
        tests.push(typeof lo === 'number' ? (x) => x === lo : lo);
      }
    }
    const any: CharTest = (x) => tests.some((t) => t(x));
    return negated ? not(any) : any;
  }

  #classAtom(): CharTest | number {
    const c = this.#src[this.#i++]!;
    return c === '\\' ? this.#escape(true) : c.charCodeAt(0);
  }
}

/** One state of the program: test a character, split, assert an end, or accept. */
interface State {
  id: number;
  k: 'char' | 'split' | 'bol' | 'eol' | 'match';
  test?: CharTest;
  /** The one character a char state accepts, when that is all it tests (checked without a call). */
  code?: number;
  out?: State;
  out2?: State;
}

/** A compiled fragment: its start, and the states whose `out` is still to be joined to what follows. */
interface Frag {
  start: State;
  ends: Array<{ s: State; slot: 'out' | 'out2' }>;
}

class Compiler {
  readonly states: State[] = [];

  state(k: State['k'], test?: CharTest, code?: number): State {
    if (this.states.length >= MAX_PROGRAM_STATES) throw new RegexSyntaxError(`the pattern is too complex (more than ${MAX_PROGRAM_STATES} states once its counts are expanded)`);
    const s: State = { id: this.states.length, k, ...(test ? { test } : {}), ...(code === undefined ? {} : { code }) };
    this.states.push(s);
    return s;
  }

  /** Null: matches the empty string (nothing to join). */
  frag(n: Node): Frag | null {
    switch (n.k) {
      case 'char': case 'bol': case 'eol': {
        const s = n.k === 'char' ? this.state('char', n.test, n.code) : this.state(n.k);
        return { start: s, ends: [{ s, slot: 'out' }] };
      }
      case 'cat': {
        let acc: Frag | null = null;
        for (const p of n.parts) acc = join(acc, this.frag(p));
        return acc;
      }
      case 'alt': {
        const frags = n.options.map((o) => this.frag(o));
        let acc: Frag | null = frags[frags.length - 1] ?? null;
        for (let i = frags.length - 2; i >= 0; i--) acc = this.#either(frags[i]!, acc);
        return acc;
      }
      case 'rep': {
        let acc: Frag | null = null;
        for (let i = 0; i < n.min; i++) acc = join(acc, this.frag(n.node));
        if (n.max === -1) return join(acc, this.#star(n.node));
        // Optional copies nest so that a{0,3} is (a(a(a)?)?)? — no state count blow-up beyond max copies.
        let tail: Frag | null = null;
        for (let i = n.min; i < n.max; i++) tail = this.#either(join(this.frag(n.node), tail), null);
        return join(acc, tail);
      }
    }
  }

  /** `a|b`, where either may be empty (null). */
  #either(a: Frag | null, b: Frag | null): Frag {
    const s = this.state('split');
    const ends: Frag['ends'] = [];
    if (a) s.out = a.start;
    else ends.push({ s, slot: 'out' });
    if (a) ends.push(...a.ends);
    if (b) s.out2 = b.start;
    else ends.push({ s, slot: 'out2' });
    if (b) ends.push(...b.ends);
    return { start: s, ends };
  }

  #star(node: Node): Frag {
    const s = this.state('split');
    const body = this.frag(node);
    if (body) {
      s.out = body.start;
      for (const e of body.ends) e.s[e.slot] = s;
    }
    return { start: s, ends: [{ s, slot: 'out2' }] };
  }
}

function join(a: Frag | null, b: Frag | null): Frag | null {
  if (!a) return b;
  if (!b) return a;
  for (const e of a.ends) e.s[e.slot] = b.start;
  return { start: a.start, ends: b.ends };
}

/** A compiled pattern: `test(subject)` says whether it matches anywhere in the subject, in linear time. */
export interface LinearRegex {
  test(subject: string): boolean;
}

/**
 * Compiles `pattern` (flags: `i` for case-insensitive matching, nothing else), or throws {@link RegexSyntaxError}
 * saying why it is refused.
 */
export function compileRegex(pattern: string, flags = ''): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RegexSyntaxError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (!/^i?$/.test(flags)) throw new RegexSyntaxError('the only option is "i" (case-insensitive)');
  const ignoreCase = flags === 'i';
  const ast = new Parser(pattern).parse();
  const compiler = new Compiler();
  const matchState = compiler.state('match');
  const body = compiler.frag(ignoreCase ? caseless(ast) : ast);
  let start = matchState;
  if (body) {
    for (const e of body.ends) e.s[e.slot] = matchState;
    start = body.start;
  }
  return new Program(compiler.states, start);
}

const K_CHAR = 0;
const K_SPLIT = 1;
const K_BOL = 2;
const K_EOL = 3;
const K_MATCH = 4;
const KINDS: Record<State['k'], number> = { char: K_CHAR, split: K_SPLIT, bol: K_BOL, eol: K_EOL, match: K_MATCH };

/**
 * The program, simulated as a set of threads advancing together one character at a time (each state at most once
 * per position): at most (subject length + 1) × (states) steps. Flat arrays, so a step is a few array reads.
 */
class Program {
  readonly #kind: Int8Array;
  readonly #out: Int32Array;
  readonly #out2: Int32Array;
  readonly #tests: CharTest[];
  /** The character of a literal state; -1: call its test. */
  readonly #codes: Int32Array;
  readonly #start: number;

  constructor(states: State[], start: State) {
    this.#kind = Int8Array.from(states, (s) => KINDS[s.k]);
    this.#out = Int32Array.from(states, (s) => s.out?.id ?? -1);
    this.#out2 = Int32Array.from(states, (s) => s.out2?.id ?? -1);
    this.#tests = states.map((s) => s.test ?? (() => false));
    this.#codes = Int32Array.from(states, (s) => s.code ?? -1);
    this.#start = start.id;
  }

  test(subject: string): boolean {
    const kind = this.#kind;
    const out = this.#out;
    const out2 = this.#out2;
    const tests = this.#tests;
    const codes = this.#codes;
    const size = kind.length;
    const n = subject.length;
    const marks = new Int32Array(size).fill(-1);
    const stack = new Int32Array(size * 2 + 2);
    let current = new Int32Array(size);
    let next = new Int32Array(size);
    let count = 0;
    /** Adds the char states reachable from `from` without reading to `list`; -1 when the match is reachable. */
    const add = (from: number, list: Int32Array, length: number, pos: number): number => {
      let top = 0;
      stack[top++] = from;
      while (top > 0) {
        const s = stack[--top]!;
        if (s === -1 || marks[s] === pos) continue;
        marks[s] = pos;
        switch (kind[s]) {
          case K_CHAR:
            list[length++] = s;
            break;
          case K_SPLIT:
            stack[top++] = out2[s]!;
            stack[top++] = out[s]!;
            break;
          case K_BOL:
            if (pos === 0) stack[top++] = out[s]!;
            break;
          case K_EOL:
            if (pos === n) stack[top++] = out[s]!;
            break;
          case K_MATCH:
            return -1;
        }
      }
      return length;
    };
    for (let pos = 0; pos <= n; pos++) {
      // Unanchored search: a new thread starts at every position.
      count = add(this.#start, current, count, pos);
      if (count === -1) return true;
      if (pos === n) break;
      if (count === 0) continue;
      const c = subject.charCodeAt(pos);
      let length = 0;
      for (let i = 0; i < count; i++) {
        const s = current[i]!;
        const code = codes[s]!;
        if (code === -1 ? !tests[s]!(c) : code !== c) continue;
        length = add(out[s]!, next, length, pos + 1);
        if (length === -1) return true;
      }
      [current, next] = [next, current];
      count = length;
    }
    return false;
  }
}

/** The same tree with every character test made case-insensitive. */
function caseless(n: Node): Node {
  switch (n.k) {
    case 'char': {
      const t = n.test;
      return { k: 'char', test: (c) => t(c) || t(lower(c)) || t(upper(c)) };
    }
    case 'cat':
      return { k: 'cat', parts: n.parts.map(caseless) };
    case 'alt':
      return { k: 'alt', options: n.options.map(caseless) };
    case 'rep':
      return { ...n, node: caseless(n.node) };
    default:
      return n;
  }
}

const lower = (c: number) => String.fromCharCode(c).toLowerCase().charCodeAt(0);
const upper = (c: number) => String.fromCharCode(c).toUpperCase().charCodeAt(0);
