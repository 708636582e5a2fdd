import { waitFor } from "../adapters-helpers";

/**
 * Holds renders of the sample worker on their thread until opened: cell 0 is the gate (0 closed,
 * 1 open), cell 1 turns 1 once a held render has started.
 */
export function renderGate() {
  const buffer = new SharedArrayBuffer(8);
  const cells = new Int32Array(buffer);
  return {
    buffer,
    started: () => waitFor(() => Atomics.load(cells, 1) === 1, 10_000, "a held render to start"),
    open() {
      Atomics.store(cells, 0, 1);
      Atomics.notify(cells, 0);
    },
  };
}
