// Where GenFlow's render pipeline plugs into the benchmark: contender (a), "GenFlow cold render",
// and the worker-pool scaling runs get their renderer here and nowhere else.
//
// A cold render is one `CardRenderer.render` of core's pipeline (packages/core/src/generate/
// render/): the job crosses to a worker thread, which composes the card, draws it with resvg and
// encodes it with sharp (the history thumbnail is made later, on first read). The render
// cache lives a level up, in the `createCard` use case, so nothing here can be answered from it.
// The job is what `createCard` builds for a request with default options: PNG, scale 1, the
// default PNG quality.
import {
  createCardRenderer,
  DEFAULT_QUALITY,
  sourceRenderWorker,
  type ComposeRequest,
  type RenderJob,
} from "@genflow/core/generate";

export interface CardRenderer {
  /** One line on what renders the card, for the report. */
  description: string;
  /** A PNG of the card, rendered afresh (nothing cached between calls). */
  render(request: ComposeRequest): Promise<Uint8Array>;
  close(): Promise<void>;
}

function jobFor(request: ComposeRequest): RenderJob {
  const { images: _images, ...card } = request;
  return {
    card,
    images: {},
    format: "png",
    scale: 1,
    quality: DEFAULT_QUALITY.png,
  };
}

/**
 * GenFlow's render pool with `threads` worker threads, started as the server starts it (each
 * thread parses the fonts as it starts). One render at a time uses one thread, so the latency
 * runs use a pool of one.
 */
export function pipelineRenderer(threads = 1): CardRenderer {
  const renderer = createCardRenderer({ worker: sourceRenderWorker(), threads });
  return {
    description: `core's render pool (createCardRenderer, ${threads} worker thread${threads === 1 ? "" : "s"}), PNG at the default quality, as createCard renders on a cache miss`,
    render: async (request) => (await renderer.render(jobFor(request))).bytes,
    close: () => renderer.close(),
  };
}
