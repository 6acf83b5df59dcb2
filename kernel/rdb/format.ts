/** The RDB format of Redis 7.0: the version, the value type ids and the opcodes. */
export const RDB_VERSION = 10;

/** The RDB value type ids (rdb.h). A data type's codec names the ones it reads. */
export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  Zset = 3,
  Hash = 4,
  Zset2 = 5,
  Module = 6,
  Module2 = 7,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZsetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  StreamListpacks = 15,
  HashListpack = 16,
  ZsetListpack = 17,
  ListQuicklist2 = 18,
  StreamListpacks2 = 19,
}

/** The opcodes between keys (rdb.h). */
export const enum Op {
  Function2 = 0xf5,
  FunctionPreGa = 0xf6,
  ModuleAux = 0xf7,
  Idle = 0xf8,
  Freq = 0xf9,
  Aux = 0xfa,
  ResizeDb = 0xfb,
  ExpireTimeMs = 0xfc,
  ExpireTime = 0xfd,
  SelectDb = 0xfe,
  Eof = 0xff,
}

/** A bad or truncated RDB file or DUMP payload. */
export class RdbError extends Error {}
