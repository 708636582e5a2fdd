// Summarises a V8 .cpuprofile by layer: every sample is charged to the nearest frame on its stack
// that belongs to a library or to our own code (so JSON.stringify called by pino counts as
// logging, socket writes started by Express count as Express), then owners are grouped into layers.
//
//   tsx bench/profile-summary.ts <file.cpuprofile> [requests]
//
// With the number of requests served while profiling, costs are also shown per request.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which layer a library or source file belongs to, first match wins. */
const LAYERS: [RegExp, string][] = [
  [
    /^(pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs\/redact|quick-format-unescaped|thread-stream|on-exit-leak-free|atomic-sleep|safe-stable-stringify)$|^server src\/(http-logger|logger)\.ts$/,
    "logging (pino)",
  ],
  [/^(prom-client|tdigest|bintrees)$|^server src\/metrics\.ts$/, "metrics (prom-client)"],
  [/^(helmet|cors|vary|object-assign)$|^server src\/security\.ts$/, "security headers and CORS"],
  [/^server src\/request-id\.ts$/, "request id"],
  [/^server src\/trpc-queries\.ts$/, "GET query path (parse, answer, write)"],
  [
    /^server src\/(trpc-handler|request-headers|health|panel|web|http-error|app)\.ts$/,
    "host glue (src/)",
  ],
  [/^superjson|^copy-anything$|^is-what$/, "superjson"],
  [/^@trpc\/server$/, "tRPC"],
  [/^@genflow\/api /, "API layer (context, middlewares)"],
  [/^@genflow\/core auth\//, "auth (authenticate, principal cache)"],
  [
    /^rate-limiter-flexible$|^@genflow\/core adapters\/(rate-limit|memory\/rate-limiter)/,
    "rate limiter",
  ],
  [/^@genflow\/core adapters\//, "cache and other adapters"],
  [/^@genflow\//, "other GenFlow packages"],
  [
    /^(express|router|body-parser|finalhandler|send|serve-static|content-type|mime-types|mime-db|accepts|negotiator|type-is|media-typer|parseurl|qs|fresh|etag|cookie|cookie-signature|encodeurl|escape-html|proxy-addr|forwarded|ipaddr\.js|range-parser|depd|on-finished|ee-first|http-errors|statuses|setprototypeof|content-disposition|merge-descriptors|path-to-regexp|is-promise|debug|ms|raw-body|iconv-lite|bytes|unpipe|call-bound|side-channel.*|get-intrinsic|es-.*|has-.*|function-bind|math-intrinsics|dunder-proto|gopd|hasown|object-inspect|call-bind-apply-helpers|safe-buffer|safer-buffer|inherits|toidentifier|vary)$/,
    "Express and its helpers",
  ],
  [/^tsx$|^bench /, "benchmark harness"],
  [/^@electric-sql\/pglite$|^wasm:/, "database (PGlite)"],
  [/^node core/, "Node http/net core"],
  [/^\((garbage collector|program)\)$/, "GC and VM (program)"],
];

export interface LayerCost {
  layer: string;
  ms: number;
  share: number;
  usPerRequest: number | null;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  layers: LayerCost[];
  owners: LayerCost[];
}

const PROFILER = "(profiler)";
const SERVER_SRC = "/apps/server/src/";
const BENCH = "/apps/server/bench/";

/** The library or source file a frame belongs to; null for Node internals and native code. */
function ownerOf(frame: CallFrame): string | null {
  const url = frame.url.startsWith("file://") ? decodeURIComponent(frame.url.slice(7)) : frame.url;
  // Stopping the profiler serialises the profile; that is not the target's work.
  if (url === "node:inspector") return PROFILER;
  if (!url || url.startsWith("node:")) return null;
  const nm = url.lastIndexOf("/node_modules/");
  if (nm !== -1) {
    const [scope = "", name = ""] = url.slice(nm + "/node_modules/".length).split("/");
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
  }
  const pkg = /\/packages\/([^/]+)\/src\/(.+)$/.exec(url);
  if (pkg) return `@genflow/${pkg[1]} ${pkg[2]}`;
  const src = url.indexOf(SERVER_SRC);
  if (src !== -1) return `server src/${url.slice(src + SERVER_SRC.length)}`;
  const bench = url.indexOf(BENCH);
  if (bench !== -1) return `bench ${url.slice(bench + BENCH.length)}`;
  return url;
}

function layerOf(owner: string): string {
  return LAYERS.find(([pattern]) => pattern.test(owner))?.[1] ?? `other: ${owner}`;
}

export function summarizeProfile(profile: CpuProfile, requests?: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  // Resolve each node's owner once: its own, else its nearest owning ancestor.
  const ownerCache = new Map<number, string>();
  const resolve = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    if (!node) return "unknown";
    const { functionName, url } = node.callFrame;
    let owner: string;
    if (
      functionName === "(idle)" ||
      functionName === "(garbage collector)" ||
      functionName === "(program)"
    ) {
      owner = functionName;
    } else {
      const own = ownerOf(node.callFrame);
      const up = parent.get(id);
      if (own) owner = own;
      else if (up === undefined || byId.get(up)?.callFrame.functionName === "(root)") {
        owner = `node core ${url || functionName}`;
      } else {
        owner = resolve(up);
        if (owner.startsWith("node core")) owner = `node core ${url || functionName}`;
      }
    }
    ownerCache.set(id, owner);
    return owner;
  };

  const ownerMs = new Map<string, number>();
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample; charge it to this one.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const owner = resolve(id);
    if (owner === "(idle)" || owner === PROFILER) idleMs += ms;
    else ownerMs.set(owner, (ownerMs.get(owner) ?? 0) + ms);
  });

  const busyMs = [...ownerMs.values()].reduce((a, b) => a + b, 0);
  const cost = (name: string, ms: number): LayerCost => ({
    layer: name,
    ms,
    share: busyMs > 0 ? ms / busyMs : 0,
    usPerRequest: requests ? (ms * 1000) / requests : null,
  });
  const layerMs = new Map<string, number>();
  for (const [owner, ms] of ownerMs) {
    const layer = layerOf(owner.startsWith("node core") ? "node core" : owner);
    layerMs.set(layer, (layerMs.get(layer) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, ms]) => cost(name, ms)).sort((a, b) => b.ms - a.ms);
  return { busyMs, idleMs, layers: sorted(layerMs), owners: sorted(ownerMs) };
}

export function formatSummary(summary: ProfileSummary, topOwners = 15): string {
  const line = (c: LayerCost) =>
    `  ${c.layer.padEnd(44)} ${c.ms.toFixed(0).padStart(7)} ms ${(c.share * 100).toFixed(1).padStart(5)}%` +
    (c.usPerRequest === null ? "" : ` ${c.usPerRequest.toFixed(1).padStart(7)} µs/req`);
  return [
    `  busy ${summary.busyMs.toFixed(0)} ms (idle or profiler ${summary.idleMs.toFixed(0)} ms)`,
    "  by layer:",
    ...summary.layers.map(line),
    `  top owners:`,
    ...summary.owners.slice(0, topOwners).map(line),
  ].join("\n");
}

export function summarizeFile(file: string, requests?: number): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, requests);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    console.error("usage: profile-summary.ts <file.cpuprofile> [requests]");
    process.exit(2);
  }
  console.log(formatSummary(summarizeFile(file, requests ? Number(requests) : undefined), 30));
}
