import type { CommandDefinition } from './spec';

/** Redis 7.0's ACL categories, in the order of its category table (ACL CAT, COMMAND INFO). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/**
 * A command's ACL categories, without '@': the declared ones plus those Redis implies from
 * the flags (setImplicitACLCategories), in the table's order. Computed once, when the command
 * is registered (RegisteredCommand.categories); plugin commands get theirs so too.
 */
export function commandCategories(def: CommandDefinition): string[] {
  const cats = new Set((def.acl ?? []).map((c) => c.replace(/^@/, '').toLowerCase()));
  const flags = new Set(def.flags);
  if (flags.has('write')) cats.add('write');
  if (flags.has('readonly') && !cats.has('scripting')) cats.add('read');
  if (flags.has('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (flags.has('pubsub')) cats.add('pubsub');
  if (flags.has('fast')) cats.add('fast');
  if (flags.has('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  const known = ACL_CATEGORIES.filter((c) => cats.has(c));
  return known.length === cats.size ? known : [...known, ...[...cats].filter((c) => !ACL_CATEGORIES.includes(c))];
}
