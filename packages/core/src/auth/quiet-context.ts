import type { AsyncLocalStorage } from "node:async_hooks";

import {
  getCurrentAuthContextAsyncLocalStorage,
  getCurrentDBAdapterAsyncLocalStorage,
  getRequestStateAsyncLocalStorage,
} from "@better-auth/core/context";

/**
 * better-auth keeps the state of each of its calls in AsyncLocalStorage. On Node 20 (and on any
 * Node without AsyncContextFrame), an enabled AsyncLocalStorage installs an async hook that runs
 * for every promise the process creates, so every request pays for it — API calls that never
 * touch auth included. The library is only called to sign up, sign in, sign out, create API keys
 * and resolve a session that is not cached, so its storages are switched off whenever none of its
 * calls is running. They come back on by themselves: a storage's `run()`, which the library calls
 * at the start of each call, enables it again.
 *
 * Returns `api` with each method wrapped so that the number of running calls is known.
 */
export function quietContext<Api extends object>(api: Api): Api {
  let storages: AsyncLocalStorage<unknown>[] = [];
  // The getters create the storages on first use; creating one does not enable it.
  const ready = Promise.all([
    getCurrentAuthContextAsyncLocalStorage(),
    getRequestStateAsyncLocalStorage(),
    getCurrentDBAdapterAsyncLocalStorage(),
  ]).then(
    (found) => {
      storages = found as AsyncLocalStorage<unknown>[];
    },
    () => {
      // Without AsyncLocalStorage the library has nothing to switch off.
    },
  );
  let running = 0;
  const settle = () => {
    running -= 1;
    if (running === 0) for (const storage of storages) storage.disable();
  };

  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      let call = wrapped.get(property);
      if (!call) {
        const method = value as (...args: unknown[]) => unknown;
        call = async (...args: unknown[]) => {
          await ready;
          running += 1;
          try {
            return await method.apply(target, args);
          } finally {
            settle();
          }
        };
        wrapped.set(property, call);
      }
      return call;
    },
  });
}
