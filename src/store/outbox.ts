/**
 * Bot API calls the bot owes a chat: replies written down before they are sent, so that a reply that
 * cannot be sent now (Telegram down, a connection that hangs) is sent later, after a restart too, instead
 * of being lost with the update Telegram was already told was done.
 */

/** A call to make, as the bot wrote it down. */
export interface OwedCallInput {
  /** Whose turn it waits for: the chat id as a string; calls of one chat go out one at a time, in id order. */
  chat: string;
  /** Bot API method, e.g. "sendMessage". */
  method: string;
  /** Its parameters (JSON). */
  payload: Record<string, unknown>;
  /** When it was first owed (ms since the epoch). */
  createdAt: number;
}

/** An owed call in the outbox. */
export interface OwedCall extends OwedCallInput {
  /** Increasing in the order the calls were owed (per store). */
  id: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Not to be tried again before this time (ms since the epoch). */
  notBefore: number;
}

/** How many calls are owed, and since when. */
export interface OutboxSummary {
  depth: number;
  /** When the oldest owed call was written down (ms since the epoch); undefined when none is owed. */
  oldestAt: number | undefined;
}

/** The durable outbox every store keeps (SQLite, Redis, memory); see tests/store/contract.ts. */
export interface OutboxStore {
  /** Writes a call down; resolves with it (id, no attempts, due at once) once it is durable. */
  addOwedCall(call: OwedCallInput): Promise<OwedCall>;
  /** Owed calls, oldest (lowest id) first; at most `limit`. */
  owedCalls(limit?: number): Promise<OwedCall[]>;
  /** Records a failed attempt: `attempts` so far, not to be tried again before `notBefore`. */
  retryOwedCallLater(id: number, attempts: number, notBefore: number): Promise<void>;
  /** Forgets a call: sent, refused for good, or given up. */
  removeOwedCall(id: number): Promise<void>;
  outboxSummary(): Promise<OutboxSummary>;
  /**
   * Takes or renews the right to send the owed calls for `ttlMs` (one instance sends, so that none is sent
   * twice); false while another `holder` has it.
   */
  holdOutboxLease(holder: string, ttlMs: number): Promise<boolean>;
}

/** How many owed calls one read returns at most by default. */
export const DEFAULT_OWED_CALLS_LIMIT = 10_000;

/** An outbox in memory only (tests; a restart forgets it). */
export function createMemoryOutbox(now: () => number = Date.now): OutboxStore {
  const calls = new Map<number, OwedCall>();
  let nextId = 1;
  let lease: { holder: string; until: number } | undefined;
  return {
    async addOwedCall(input) {
      const call: OwedCall = { ...input, id: nextId++, attempts: 0, notBefore: 0 };
      calls.set(call.id, call);
      return { ...call };
    },
    async owedCalls(limit = DEFAULT_OWED_CALLS_LIMIT) {
      // A Map iterates in insertion order, which is id order.
      return [...calls.values()].slice(0, limit).map((call) => ({ ...call }));
    },
    async retryOwedCallLater(id, attempts, notBefore) {
      const call = calls.get(id);
      if (call) Object.assign(call, { attempts, notBefore });
    },
    async removeOwedCall(id) {
      calls.delete(id);
    },
    async outboxSummary() {
      return { depth: calls.size, oldestAt: calls.values().next().value?.createdAt };
    },
    async holdOutboxLease(holder, ttlMs) {
      if (lease && lease.holder !== holder && lease.until > now()) return false;
      lease = { holder, until: now() + ttlMs };
      return true;
    },
  };
}
