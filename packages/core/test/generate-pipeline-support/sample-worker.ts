import type { ComposeRequest } from "../../src/generate/card";
import { createRenderHandler } from "../../src/generate/render/task";
import { composeSampleCard } from "./sample-card";

/**
 * A render worker drawing the hand-made sample card instead of a template. A job whose fields hold
 * a `gate` (a SharedArrayBuffer from `renderGate`) marks itself started and then holds its thread
 * until the test opens the gate, so tests can fill the pool and its queue deterministically.
 */
function compose(request: ComposeRequest) {
  const gate = request.fields.gate;
  if (gate instanceof SharedArrayBuffer) {
    const cells = new Int32Array(gate);
    Atomics.store(cells, 1, 1);
    Atomics.notify(cells, 1);
    Atomics.wait(cells, 0, 0, 60_000);
  }
  return composeSampleCard(request);
}

export default createRenderHandler({ compose });
