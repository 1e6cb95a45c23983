/**
 * A read position over the text of a query parameter (q, type, scopeQ), shared by the
 * hand-written parsers so that every syntax error names the parameter and the position.
 * Positions are 0-based UTF-16 offsets, like `JSON.parse` reports them.
 */
import { badRequestData } from '../problem-details.js';

export class QueryCursor {
  pos = 0;

  constructor(
    readonly text: string,
    /** Parameter name used as the message prefix, e.g. `q`. */
    readonly label: string,
    /** Where parsing stops (before a closing quote that wraps the whole value). */
    readonly end: number = text.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The character at `pos + offset`, or '' past the end. */
  peek(offset = 0): string {
    return this.pos + offset < this.end ? this.text.charAt(this.pos + offset) : '';
  }

  /** The whole code point at `pos` (letters outside the BMP are two UTF-16 units). */
  peekCodePoint(): string {
    const cp = this.done ? undefined : this.text.codePointAt(this.pos);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  startsWith(token: string): boolean {
    return this.pos + token.length <= this.end && this.text.startsWith(token, this.pos);
  }

  /** Consumes `token` when it comes next. */
  eat(token: string): boolean {
    if (!this.startsWith(token)) return false;
    this.pos += token.length;
    return true;
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }

  fail(reason: string, at: number = this.pos): never {
    throw badRequestData(`${this.label}: ${reason} at position ${at}`);
  }

  /** "unexpected 'x'" for the character at `at`, or "unexpected end of input". */
  unexpected(at: number = this.pos): never {
    const cp = at < this.end ? this.text.codePointAt(at) : undefined;
    if (cp === undefined) this.fail('unexpected end of input', at);
    const ch = String.fromCodePoint(cp);
    // Control characters are shown escaped so that the message stays one readable line.
    const shown = /\p{Cc}/u.test(ch) ? JSON.stringify(ch).slice(1, -1) : ch;
    this.fail(`unexpected '${shown}'`, at);
  }
}

/** NGSI-LD name (clause 4.6.2, data-model.md §7): `name` or `prefix:name`. */
export const NAME_RE = /^\p{L}[\p{L}\p{N}_]*(:\p{L}[\p{L}\p{N}_]*)?$/u;

/** An absolute URI as far as a query needs to tell it from a name: a scheme and no blanks. */
export const ABSOLUTE_URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{}|]+$/;
