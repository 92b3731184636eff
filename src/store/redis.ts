import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { LANGS, type Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';
import { StoreError, StoreUnavailableError } from './errors.js';
import {
  clampText,
  DEFAULT_MAX_UNANSWERED,
  type FeedbackReader,
  readQuestion,
  tallyVote,
  VOTED_MESSAGE_TTL_MS,
  type Vote,
  type VoteTally,
} from './feedback.js';
import { DEFAULT_OWED_CALLS_LIMIT, type OwedCallInput } from './outbox.js';
import { currentHolder, describeHolder, parseHolder, StoreLockedError } from './poller-lock.js';
import { CONTEXT_TTL_MS } from './preferences.js';
import {
  pendingKey,
  readPending,
  readSignal,
  type SignalStore,
  type SuggestionDecision,
  storedSignal,
} from './signals.js';
import type { Store } from './store.js';
import {
  type ClaimState,
  UPDATE_CLAIM_TTL_MS,
  UPDATE_DONE_TTL_MS,
  UPDATE_JOURNAL_MAX_AGE_MS,
} from './updates.js';

/** Every key the bot writes starts with this, so that the Redis database can be shared. */
export const DEFAULT_KEY_PREFIX = 'forumbot:';

/** Options of createRedisStore; DEFAULT_REDIS_OPTIONS holds the defaults. */
export interface RedisStoreOptions {
  /** Key prefix. */
  prefix: string;
  /** How many unanswered questions the capped list keeps. */
  maxUnanswered: number;
  /**
   * A command not answered within this many milliseconds fails (StoreUnavailableError); while the
   * connection is down commands fail at once instead of queueing, so a user waits ~1.5 s at worst.
   */
  commandTimeoutMs: number;
  /** One connection attempt gives up after this many milliseconds. */
  connectTimeoutMs: number;
  /** At start, how long to wait for a first connection before going on without one (reconnecting). */
  startTimeoutMs: number;
  /** Reconnection waits this long after the first failure, doubling up to reconnectMaxMs, for ever. */
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** Where the outage and the recovery are logged (once each per outage). */
  logger: Logger | undefined;
  /**
   * Hold the poller lease (one polling bot per Redis state): taken at start (StoreLockedError naming the
   * holder if another bot has it), renewed every leaseMs / 3, given back by close().
   */
  pollerLease: boolean;
  /** How long the lease outlives its holder: a crashed bot's successor may start after this. */
  leaseMs: number;
}

export const DEFAULT_REDIS_OPTIONS: Readonly<RedisStoreOptions> = Object.freeze({
  prefix: DEFAULT_KEY_PREFIX,
  maxUnanswered: DEFAULT_MAX_UNANSWERED,
  commandTimeoutMs: 1500,
  connectTimeoutMs: 1000,
  startTimeoutMs: 3000,
  reconnectBaseMs: 100,
  reconnectMaxMs: 2000,
  logger: undefined,
  pollerLease: false,
  leaseMs: 15_000,
});

/** The layout of the keys below; a Redis state stamped with a newer one is refused at start. */
export const REDIS_SCHEMA_VERSION = 1;

type Client = ReturnType<typeof createClient>;

// Lua keeps each of these one atomic step on the server, whatever other instances do meanwhile.
const LOG_QUESTION = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('HINCRBY', KEYS[2], 'unanswered', 1)`;
const RECORD_VOTE = `
if ARGV[3] == '1' and not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1`;
const CLAIM = `
local state = redis.call('GET', KEYS[1])
if state then return state end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'claimed'`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;
// Takes the lease if free, extends it if ours; 0 when another holder has it.
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
// An owed call gets the next id and is written down in one step: no reader sees an id without its call.
const ADD_OWED = `
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[3], id, id)
return id`;
// The stored schema version, stamping a state that has none.
const SCHEMA = `
local version = redis.call('GET', KEYS[1])
if version then return version end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

/** The keys of one prefix. */
function keysOf(prefix: string) {
  return {
    /** Hash: user id -> language. */
    lang: `${prefix}lang`,
    /** String with a TTL: the entry a user was answered last. */
    context: (userId: number) => `${prefix}context:${userId}`,
    /** Capped list of JSON questions, oldest first. */
    unanswered: `${prefix}unanswered`,
    /** Hash: answered / unanswered totals. */
    counters: `${prefix}counters`,
    /** Hash: "<entry id>:up" / "<entry id>:down" -> count. */
    votes: `${prefix}votes`,
    /** String with a TTL: this message was voted on. */
    voted: (messageKey: string) => `${prefix}voted:${messageKey}`,
    /** Hash: update id -> when handled (polling journal). */
    journal: `${prefix}journal`,
    /** String with a TTL: "processing:<owner>" or "done". */
    update: (updateId: number) => `${prefix}update:${updateId}`,
    /** String with a TTL: the polling bot holding the state (JSON pid, host, since, id). */
    poller: `${prefix}poller`,
    /** Sorted set: JSON signals scored by their time (store/signals.ts). */
    signals: `${prefix}signals`,
    /** Hash: pending alternate key -> JSON. */
    pending: `${prefix}pending`,
    /** Hash: suggestion group -> JSON decision. */
    decisions: `${prefix}decisions`,
    /** Counter: the last owed call's id. */
    owedSeq: `${prefix}outbox:seq`,
    /** Hash: owed call id -> JSON { chat, method, payload, createdAt }. */
    owedCalls: `${prefix}outbox:calls`,
    /** Hash: owed call id -> "<attempts>:<not before>" (absent: not tried yet). */
    owedTries: `${prefix}outbox:tries`,
    /** Sorted set of owed call ids (score: the id), oldest first. */
    owedIds: `${prefix}outbox:ids`,
    /** String with a TTL: the instance sending the owed calls. */
    outboxLease: `${prefix}outbox:lease`,
    /** String: REDIS_SCHEMA_VERSION of whoever wrote the state first. */
    schema: `${prefix}schema`,
    /** String: "<content hash> <ISO time>" of the last reload of the knowledge base, by any instance. */
    kbVersion: `${prefix}kb-version`,
  };
}

/** The URL without its user name and password, for messages and reports. */
export function describeUrl(url: string): string {
  try {
    const { protocol, hostname, port, pathname } = new URL(url);
    return `${protocol}//${hostname}${port ? `:${port}` : ''}${pathname === '/' ? '' : pathname}`;
  } catch {
    return 'STORE_URL';
  }
}

function connect(url: string, options: RedisStoreOptions, reconnect: boolean): Client {
  const { commandTimeoutMs, connectTimeoutMs, reconnectBaseMs, reconnectMaxMs } = options;
  return createClient({
    url,
    // Fail fast: a command issued while the connection is down rejects at once instead of waiting.
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: reconnect
        ? (retries) => Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** Math.min(retries, 16))
        : false,
    },
  });
}

const CONNECTION_ERRORS = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];
// Socket errors as Node reports them while connecting or on a dropped connection.
const NETWORK_CODES =
  /^(?:E(?:CONNREFUSED|CONNRESET|CONNABORTED|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN))$/;
// Replies of a Redis that is there but cannot serve yet (loading its data, a replica cut off...).
const TRANSIENT_REPLIES = /^(?:LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * Whether a failed command means "cannot reach the store" (it may work once Redis is back), as opposed
 * to a bug: a TypeError from a bad argument would fail the same way on every redelivery, so it must not
 * be reported as an outage.
 */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ErrorReply) return TRANSIENT_REPLIES.test(error.message);
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.test(code);
}

/** Runs a command; only connection failures become StoreUnavailableError, anything else is rethrown. */
function guard(where: string) {
  return async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const reason = error instanceof Error ? error.message || error.name : String(error);
      throw new StoreUnavailableError(`The store at ${where} cannot be reached: ${reason}`, { cause: error });
    }
  };
}

/** The feedback queries shared by the bot's store and kb:unanswered's reader. */
function feedbackQueries(
  client: Client,
  keys: ReturnType<typeof keysOf>,
  run: ReturnType<typeof guard>,
): Pick<FeedbackReader, 'unanswered' | 'votes' | 'replyCounts'> {
  return {
    async unanswered() {
      const items = await run(() => client.lRange(keys.unanswered, 0, -1));
      // An item that is not one of ours (written by hand, or by a future version) is left out.
      return items.flatMap((item) => {
        try {
          return [readQuestion(JSON.parse(item))];
        } catch {
          return [];
        }
      });
    },
    async votes() {
      const counts = await run(() => client.hGetAll(keys.votes));
      const tallies = new Map<string, VoteTally>();
      for (const [field, count] of Object.entries(counts)) {
        const cut = field.lastIndexOf(':');
        const vote = field.slice(cut + 1);
        if (vote === 'up' || vote === 'down') tallyVote(tallies, field.slice(0, cut), vote, Number(count));
      }
      return [...tallies.values()];
    },
    async replyCounts() {
      const counts = await run(() => client.hGetAll(keys.counters));
      return { answered: Number(counts.answered ?? 0), unanswered: Number(counts.unanswered ?? 0) };
    },
  };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** Signals in a sorted set by time, pending alternates and decisions in hashes (see store/signals.ts). */
function signalQueries(
  client: Client,
  keys: ReturnType<typeof keysOf>,
  run: ReturnType<typeof guard>,
): SignalStore {
  return {
    async recordSignal(signal) {
      // The nonce keeps two identical signals in the same millisecond apart (a set keeps one of each).
      const member = JSON.stringify({ ...storedSignal(signal), n: randomUUID().slice(0, 8) });
      await run(() => client.zAdd(keys.signals, { score: signal.at, value: member }));
    },
    async signals() {
      const members = await run(() => client.zRange(keys.signals, 0, -1));
      return members.flatMap((member) => readSignal(parseJson(member)) ?? []);
    },
    async pruneSignals(before) {
      return run(() => client.zRemRangeByScore(keys.signals, '-inf', `(${before}`));
    },
    async addPendingAlternates(alternates) {
      for (const a of alternates)
        await run(() => client.hSetNX(keys.pending, pendingKey(a), JSON.stringify(a)));
    },
    async pendingAlternates() {
      const all = await run(() => client.hGetAll(keys.pending));
      return Object.values(all)
        .flatMap((value) => readPending(parseJson(value)) ?? [])
        .sort((a, b) => a.at - b.at);
    },
    async removePendingAlternates(alternates) {
      if (alternates.length > 0)
        await run(() =>
          client.hDel(
            keys.pending,
            alternates.map((a) => pendingKey(a)),
          ),
        );
    },
    async decide(decision) {
      await run(() => client.hSet(keys.decisions, decision.group, JSON.stringify(decision)));
    },
    async decisions() {
      const all = await run(() => client.hGetAll(keys.decisions));
      return Object.values(all).flatMap((value) => {
        const d = parseJson(value) as SuggestionDecision | null;
        return d && typeof d.group === 'string' ? [d] : [];
      });
    },
  };
}

/**
 * The bot's store in Redis, for several instances sharing one state. Language choices in a hash, the
 * follow-up context with a 30-minute TTL, the unanswered log as a capped list, votes and counters with
 * HINCRBY, webhook update claims with an atomic set-if-absent and an expiry. Commands fail within
 * commandTimeoutMs with StoreUnavailableError while Redis is away; the client reconnects by itself, for
 * ever, and the bot starts even if Redis is not there yet.
 */
export async function createRedisStore(
  url: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<Store> {
  const settings: RedisStoreOptions = { ...DEFAULT_REDIS_OPTIONS, ...options };
  const { logger, maxUnanswered } = settings;
  const where = describeUrl(url);
  const keys = keysOf(settings.prefix);
  const run = guard(where);
  // Tells this instance's claims from the others' (a claim that expired may be another instance's now).
  const owner = `processing:${randomUUID()}`;
  const client = connect(url, settings, true);
  let down = false;
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    logger?.warn({ err, store: where }, 'store unreachable; reconnecting in the background');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ store: where }, 'store reachable again');
  });
  // Resolves once connected (or closed); the bot does not wait longer than startTimeoutMs for it.
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  const ready = await Promise.race([connected, sleep(settings.startTimeoutMs, false)]);
  if (!ready) logger?.warn({ store: where }, 'store not reachable at start; going on, reconnecting');

  // Replies are read as plain values: 1, "claimed", "done"...
  const script = async (source: string, keyNames: string[], args: Array<string | number>) =>
    (await run(() =>
      client.sendCommand(['EVAL', source, String(keyNames.length), ...keyNames, ...args.map(String)]),
    )) as unknown;

  let lease: { renew: () => Promise<void>; release: () => Promise<void> } | undefined;
  if (ready) {
    try {
      await checkSchema(script, keys.schema, where);
      if (settings.pollerLease) lease = await takeLease(client, script, keys.poller, where, settings);
    } catch (error) {
      await closeClient(client);
      throw error;
    }
  } else if (settings.pollerLease) {
    // Taken by the first renewal that reaches Redis; until then nobody else can have polled it either.
    lease = await takeLease(client, script, keys.poller, where, settings, false);
  }
  const renewing = lease ? setInterval(() => void lease?.renew(), settings.leaseMs / 3) : undefined;
  renewing?.unref();

  return {
    async getLang(userId) {
      const lang = await run(() => client.hGet(keys.lang, String(userId)));
      return LANGS.includes(lang as Lang) ? (lang as Lang) : undefined;
    },
    async setLang(userId, lang) {
      await run(() => client.hSet(keys.lang, String(userId), lang));
    },
    async getContext(userId) {
      return (await run(() => client.get(keys.context(userId)))) ?? undefined;
    },
    async setContext(userId, entryId) {
      await run(() =>
        client.set(keys.context(userId), entryId, { expiration: { type: 'PX', value: CONTEXT_TTL_MS } }),
      );
    },
    async logUnanswered(question) {
      const stored = JSON.stringify({ ...question, text: clampText(question.text) });
      await script(LOG_QUESTION, [keys.unanswered, keys.counters], [stored, maxUnanswered]);
    },
    async countAnswered() {
      await run(() => client.hIncrBy(keys.counters, 'answered', 1));
    },
    async recordVote({ entryId, vote }: { entryId: string; vote: Vote }, messageKey?: string) {
      const once = messageKey === undefined ? '0' : '1';
      const voted = keys.voted(messageKey ?? '');
      const counted = await script(
        RECORD_VOTE,
        [keys.votes, voted],
        [`${entryId}:${vote}`, VOTED_MESSAGE_TTL_MS, once],
      );
      return counted === 1;
    },
    ...feedbackQueries(client, keys, run),
    ...signalQueries(client, keys, run),
    async handledUpdates(maxAgeMs = UPDATE_JOURNAL_MAX_AGE_MS) {
      const entries = await run(() => client.hGetAll(keys.journal));
      const since = Date.now() - maxAgeMs;
      return Object.entries(entries)
        .filter(([, at]) => Number(at) >= since)
        .map(([id]) => Number(id))
        .sort((a, b) => a - b);
    },
    async markUpdateHandled(updateId) {
      await run(() => client.hSet(keys.journal, String(updateId), String(Date.now())));
    },
    async forgetUpdatesBelow(offset) {
      const entries = await run(() => client.hGetAll(keys.journal));
      const oldest = Date.now() - UPDATE_JOURNAL_MAX_AGE_MS;
      const stale = Object.entries(entries)
        .filter(([id, at]) => Number(id) < offset || Number(at) < oldest)
        .map(([id]) => id);
      if (stale.length > 0) await run(() => client.hDel(keys.journal, stale));
    },
    async claimUpdate(updateId): Promise<ClaimState> {
      const state = await script(CLAIM, [keys.update(updateId)], [owner, UPDATE_CLAIM_TTL_MS]);
      return state === 'claimed' ? 'claimed' : state === 'done' ? 'done' : 'busy';
    },
    async completeUpdate(updateId) {
      await run(() =>
        client.set(keys.update(updateId), 'done', {
          expiration: { type: 'PX', value: UPDATE_DONE_TTL_MS },
        }),
      );
    },
    async releaseUpdate(updateId) {
      await script(RELEASE, [keys.update(updateId)], [owner]);
    },
    async addOwedCall(call) {
      const stored = JSON.stringify(call);
      const id = await script(ADD_OWED, [keys.owedSeq, keys.owedCalls, keys.owedIds], [stored]);
      return { ...call, id: Number(id), attempts: 0, notBefore: 0 };
    },
    async owedCalls(limit = DEFAULT_OWED_CALLS_LIMIT) {
      const ids = await run(() => client.zRange(keys.owedIds, 0, limit - 1));
      if (ids.length === 0) return [];
      const [calls, tries] = await Promise.all([
        run(() => client.hmGet(keys.owedCalls, ids)),
        run(() => client.hmGet(keys.owedTries, ids)),
      ]);
      return ids.flatMap((id, i) => {
        const stored = calls[i];
        // Removed between the two reads: already sent.
        if (!stored) return [];
        const [attempts = 0, notBefore = 0] = (tries[i] ?? '0:0').split(':').map(Number);
        return [{ ...(JSON.parse(stored) as OwedCallInput), id: Number(id), attempts, notBefore }];
      });
    },
    async retryOwedCallLater(id, attempts, notBefore) {
      await run(() => client.hSet(keys.owedTries, String(id), `${attempts}:${notBefore}`));
    },
    async removeOwedCall(id) {
      await run(() =>
        client
          .multi()
          .hDel(keys.owedCalls, String(id))
          .hDel(keys.owedTries, String(id))
          .zRem(keys.owedIds, String(id))
          .exec(),
      );
    },
    async outboxSummary() {
      const [depth, first] = await Promise.all([
        run(() => client.zCard(keys.owedIds)),
        run(() => client.zRange(keys.owedIds, 0, 0)),
      ]);
      const stored = first[0] ? await run(() => client.hGet(keys.owedCalls, first[0] as string)) : null;
      const oldestAt = stored ? (JSON.parse(stored) as OwedCallInput).createdAt : undefined;
      return { depth, oldestAt };
    },
    async holdOutboxLease(holder, ttlMs) {
      return (await script(LEASE, [keys.outboxLease], [holder, ttlMs])) === 1;
    },
    async ping() {
      await run(() => client.ping());
    },
    async readKnowledgeVersion() {
      return (await run(() => client.get(keys.kbVersion))) ?? undefined;
    },
    async publishKnowledgeVersion(value) {
      await run(() => client.set(keys.kbVersion, value));
    },
    async close() {
      clearInterval(renewing);
      await lease?.release();
      await closeClient(client);
    },
  };
}

type Script = (source: string, keyNames: string[], args: Array<string | number>) => Promise<unknown>;

/** Refuses a state written by a newer version (its keys may mean something else); stamps a new one. */
async function checkSchema(script: Script, key: string, where: string): Promise<void> {
  const version = Number(await script(SCHEMA, [key], [REDIS_SCHEMA_VERSION]));
  if (version > REDIS_SCHEMA_VERSION) {
    throw new StoreError(
      `The store at ${where} has schema version ${version}, newer than this bot's ` +
        `${REDIS_SCHEMA_VERSION}: it was left untouched. Run the newer version of the bot.`,
    );
  }
}

/**
 * Takes the poller lease (or, with `now` false, only prepares to take it at the first renewal). Throws
 * StoreLockedError naming the holder when another polling bot has it.
 */
async function takeLease(
  client: Client,
  script: Script,
  key: string,
  where: string,
  settings: RedisStoreOptions,
  now = true,
) {
  const { logger, leaseMs } = settings;
  const mine = JSON.stringify({ ...currentHolder(), id: randomUUID() });
  let lost = false;
  const attempt = async () => (await script(LEASE, [key], [mine, leaseMs])) === 1;
  if (now && !(await attempt())) {
    const holder = parseHolder(await client.get(key).catch(() => null));
    throw new StoreLockedError(
      `The store at ${where} is in use by another polling bot (${describeHolder(holder)}): stop it ` +
        `first, or wait ${Math.ceil(leaseMs / 1000)} s if it has just crashed.`,
    );
  }
  return {
    async renew() {
      try {
        const held = await attempt();
        // Logged once per loss: Redis was away longer than the lease and another bot took it meanwhile.
        if (!held && !lost) {
          const holder = parseHolder(await client.get(key).catch(() => null));
          logger?.error(
            { store: where, holder: describeHolder(holder) },
            'another polling bot took the poller lease while the store was away; updates may be answered twice',
          );
        }
        lost = !held;
      } catch {
        // The store is away: its outage is logged already, and the lease is taken again when it is back.
      }
    },
    async release() {
      await script(RELEASE, [key], [mine]).catch(() => {});
    },
  };
}

async function closeClient(client: Client): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    await client.close().catch(() => client.destroy());
  } else {
    client.destroy();
  }
}

/**
 * Opens the feedback in Redis for reading (kb:unanswered): one connection attempt, no reconnecting;
 * rejects with StoreUnavailableError when Redis cannot be reached.
 */
export async function openRedisFeedbackReader(
  url: string,
  options: Partial<Pick<RedisStoreOptions, 'prefix' | 'connectTimeoutMs' | 'commandTimeoutMs'>> = {},
): Promise<FeedbackReader> {
  const settings: RedisStoreOptions = { ...DEFAULT_REDIS_OPTIONS, ...options };
  const where = describeUrl(url);
  const run = guard(where);
  const client = connect(url, settings, false);
  // Without a listener an 'error' event would be thrown; the failed connect() reports it instead.
  client.on('error', () => {});
  await run(() => client.connect());
  return {
    ...feedbackQueries(client, keysOf(settings.prefix), run),
    close: () => closeClient(client),
  };
}
