import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which updates already have their answer on the way: a reply sent or owed. An error that comes after it
 * (say the handler's time limit, while a later step is slow) must not add an apology to a real answer.
 */
const current = new AsyncLocalStorage<object>();
const answered = new WeakSet<object>();

/** Runs the handling of `update`, so that the replies made meanwhile are noted as its answer. */
export function handlingUpdate<T>(update: object, handle: () => T): T {
  return current.run(update, handle);
}

/** Notes that the update being handled has been answered (called as a reply is sent or owed). */
export function noteAnswered(): void {
  const update = current.getStore();
  if (update) answered.add(update);
}

/** Whether a reply to this update has been sent or owed. */
export function wasAnswered(update: object): boolean {
  return answered.has(update);
}
