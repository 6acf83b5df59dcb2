/**
 * Ferrous's public API: what built-in modules and plugins import. Nothing else in kernel/
 * is a promise to plugin authors.
 */
import 'reflect-metadata';

export { inject, injectAll, injectable } from 'tsyringe';
export { RedisModule, Command, type ModuleOptions, type CommandDeclaration } from './commands/decorators';
export { type CommandDefinition, type KeySpec, type ArgumentSpec, redisSpec, allRedisCommandNames } from './commands/spec';
export { CommandTable, RegisteredCommand, CmdFlag, Unresolved, type Handler } from './commands/registry';
export { keyPositions, isNotKey, type KeyRef } from './commands/keys';
export { ACL_CATEGORIES, commandCategories } from './commands/categories';
export { redactArgv } from './commands/redact';
export { Client, type CommandContext, type Interceptor, InterceptorOrder, ReplyMode } from './client';
export { Server, ServerStats } from './server';
export {
  type AccessControl,
  PasswordAccess,
  PermissionError,
  type DenyReason,
  passwordHash,
  passwordMatches,
  isLocalClient,
  protectedActionAllowed,
} from './access';
export { Plugins, type LoadedPlugin } from './plugins';
export { Config } from './config/config';
export type { ConfigParam, ConfigValue } from './config/params';
export { parseMemory } from './config/params';
export { Journal, JournalTarget, encodeCommand, type JournalSink, type JournalSubscription } from './journal';
export { Hooks, Notify, type NotifyClass, type ShutdownOptions, type InfoField } from './hooks';
export { Blocking, parseTimeout, type ServeFn } from './blocking';
export { Messaging } from './messaging';
export {
  type ServiceToken,
  type Provision,
  serviceToken,
  provide,
  Services,
  FUNCTION_STORE,
  type FunctionStore,
  FUNCTION_PAYLOADS,
  type FunctionPayloads,
  PUBLISHER,
  type Publisher,
  BUSY_SCRIPT,
  type BusyScript,
  WRITE_GATE,
  type WriteGate,
  TrackedGate,
  MEMORY_LIMIT,
  type MemoryLimit,
  GateOrder,
  ACCESS_CONTROL,
  SUBSCRIPTIONS,
  type SubscriptionLister,
  CLIENT_INFO,
  type ClientDescriber,
  SORTED_SETS,
  DATA_FILE,
  type DataFile,
  RDB_SNAPSHOTS,
  REPLICATION_ROLE,
  type ReplicationRole,
  type RdbSnapshots,
  type RdbLoad,
  type RdbStream,
  type SortedSets,
  type SortedSetValue,
  type SortedSetCursor,
} from './services';
export { ScanIndex, ScanMap } from './util/scan-index';
export { StringMap, hashString } from './util/string-map';
export { packEntry, packedLength, packedStart, packedNext, packedAt, packedEquals, packedCompare, packedFind, packedCut, flatten, packDouble, unpackDouble, PACKED_OVERHEAD } from './util/packed';
export { Keyspace, stringBytes } from './keyspace/keyspace';
export { Memory, CLIENT_OVERHEAD } from './memory';
export { LFU_INIT_VAL } from './keyspace/lru';
export { Database, EMBSTR_SIZE_LIMIT } from './keyspace/database';
export { TypeRegistry, type DataType, type TypeCodec, type ModuleTypeCodec } from './keyspace/types';
export { RDB_VERSION, RdbType, Op, RdbError } from './rdb/format';
export { NEED_MORE, RdbInput, pairs, parseScore } from './rdb/input';
export { RdbOutput } from './rdb/output';
export { ModuleTypeInput, ModuleTypeOutput } from './rdb/module-type';
export { rdbTypeOf, writeValue, writeKeyValue, readValue, dumpPayload, verifyDumpPayload, decodeDumpPayload, emitBatched } from './rdb/values';
export { crc64, Crc64 } from './rdb/crc64';
export { lzfCompress, lzfDecompress } from './rdb/lzf';
export { ziplistEntries, listpackEntries, intsetEntries, zipmapPairs } from './rdb/packed';
export { Logger, type LogLevel } from './logging';
export {
  type Reply,
  type HandlerResult,
  StatusReply,
  ReplyError,
  DoubleReply,
  MapReply,
  SetReply,
  VerbatimReply,
  PushReply,
  BigNumberReply,
  IntegerReply,
  NullArrayReply,
  AttributeReply,
  EncodedReply,
  OK,
  QUEUED,
  PONG,
  NULL_ARRAY,
  NO_REPLY,
} from './reply';
export { Errors, MAX_REPLY_COUNT, cstr } from './errors';
export { encode } from './resp/encoder';
export { RespParser, ProtocolError, splitArgs } from './resp/parser';
export { ReplyReader, ReplyProtocolError, INCOMPLETE } from './resp/reply-reader';
export { OutboundConnection, OutboundTimeout } from './outbound';
export { addDecimal, decimalInInt64, int64Reply, magnitudeAbove, uint64Decimal } from './util/int64';
export { parseInt64, parseIntArg, parseBigInt64, isInt64, INT64_MAX, INT64_MIN, parseDouble, formatDouble, formatFixed, formatHumanDouble, bytesToHuman } from './util/numbers';
export { globMatch } from './util/glob';
export { Digest } from './util/digest';
export {
  startServer,
  KERNEL_API_VERSION,
  FERROUS_VERSION,
  REDIS_VERSION,
  ConfigError,
  type Ferrous,
  type ServerOptions,
  type DirectiveValue,
  type PluginDefinition,
  type ModuleLifecycle,
} from './bootstrap';
export { incrByFloat, FloatIncr } from './util/long-double';
export * as natural from './util/natural';
export { parseScanCursor, parseScanOptions, type ScanOptions } from './util/scan-args';
export { ArgParser, type ArgOption, type ArgRules, type ParsedArgs } from './args';

/*
 * Every module and plugin reads this API through the exports object on each use. As
 * TypeScript emits it, the object gets its 70-odd names one by one (V8 then keeps it in
 * dictionary mode) and re-exports are getters: each read was a slow inline-cache call, 6% of
 * a script that makes 100 calls. A spread copy of the values is a fast object. The values are
 * all functions, classes and constants, so nothing is lost by not keeping live bindings.
 */
module.exports = Object.defineProperty({ ...module.exports }, '__esModule', { value: true });
