/**
 * What handlers return. The encoder turns these into RESP2 or RESP3 for each client:
 * string -> bulk string, number/bigint -> integer, null -> null, array -> array,
 * boolean -> RESP3 boolean (integer 1/0 in RESP2), and the wrappers below for what RESP
 * needs to tell apart. Strings are binary ("latin1") strings: one char per byte. A bigint is
 * for plugins' handlers: no module returns one (64-bit integers go as IntegerReply digits).
 */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Reply[]
  | StatusReply
  | ReplyError
  | DoubleReply
  | MapReply
  | SetReply
  | VerbatimReply
  | PushReply
  | BigNumberReply
  | IntegerReply
  | NullArrayReply
  | AttributeReply
  | EncodedReply;

export class StatusReply {
  /** The encoded line, made once: a constant status (OK) is then sent without building a string. */
  readonly line: string;
  constructor(readonly text: string) {
    this.line = `+${text}\r\n`;
  }
}

/** An error reply. `message` is the full text after '-', e.g. "ERR syntax error". */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
  }
  /** The error code: the first word ("ERR", "WRONGTYPE", ...). */
  get code(): string {
    const i = this.message.indexOf(' ');
    return i < 0 ? this.message : this.message.slice(0, i);
  }
}
ReplyError.prototype.name = 'ReplyError';

/** A double: RESP3 ',', a bulk string in RESP2; `text` replaces the default %.17g form. */
export class DoubleReply {
  constructor(
    readonly value: number,
    readonly text?: string,
  ) {}
}

/** A map: RESP3 '%', flattened to an array in RESP2. `entries` alternates key, value. */
export class MapReply {
  constructor(readonly entries: Reply[]) {}
}

/** A set: RESP3 '~', an array in RESP2. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** A verbatim string: RESP3 '=', a bulk string in RESP2. `format` is three chars ("txt"). */
export class VerbatimReply {
  constructor(readonly format: string, readonly text: string) {}
}

/** An out-of-band push: RESP3 '>', an array in RESP2. */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

/** A big number: RESP3 '(', a bulk string in RESP2. */
export class BigNumberReply {
  constructor(readonly digits: string) {}
}

/** A reply preceded by RESP3 attributes ('|', entries alternate key, value); RESP2 sees the reply alone. */
export class AttributeReply {
  constructor(
    readonly attributes: Reply[],
    readonly reply: Reply,
  ) {}
}

/** An integer given by its decimal digits: a 64-bit value past 2^53, built without BigInt. */
export class IntegerReply {
  constructor(readonly digits: string) {}
}

/**
 * A reply already in RESP, the same bytes in RESP2 and RESP3 (arrays and bulk strings only): a
 * command writes it straight from its own packed data instead of building arrays to encode.
 * Only for a connection's reply: a script's caller (Client.caller set) needs the values.
 */
export class EncodedReply {
  constructor(readonly resp: string) {}
}

/** The RESP2 null array (*-1), '_' in RESP3. */
export class NullArrayReply {}

export const OK = new StatusReply('OK');
export const QUEUED = new StatusReply('QUEUED');
export const PONG = new StatusReply('PONG');
export const NULL_ARRAY = new NullArrayReply();

/** Marks a reply the kernel must not send (e.g. a command that already wrote its own reply). */
export const NO_REPLY: unique symbol = Symbol('ferrous.noReply');
export type HandlerResult = Reply | typeof NO_REPLY | Promise<Reply | typeof NO_REPLY>;
