// One reply read straight from the provider with the same client GenFlow uses: the "direct" side
// of `pnpm bench:chat`, in the benchmark's process (time to first token) and in a reader process
// of its own (throughput, see reader.ts).
import { buildChatProviders, parseChatProviderEnv } from "@genflow/core/ai-chat";

export interface DirectRead {
  ttftMs: number;
  streamMs: number;
  text: string;
}

/** One reply read straight from the provider with the same client GenFlow uses. */
export async function direct(providerUrl: string, content: string): Promise<DirectRead> {
  const provider = buildChatProviders(
    parseChatProviderEnv({
      AI_PROVIDERS: JSON.stringify([
        { id: "bench", baseUrl: providerUrl, models: [{ id: "scripted" }] },
      ]),
    }),
  ).get("bench");
  if (!provider) throw new Error("no provider");
  const started = performance.now();
  let first = Number.NaN;
  let last = Number.NaN;
  let text = "";
  for await (const part of provider.stream({
    model: "scripted",
    messages: [{ role: "user", content }],
    maxOutputTokens: 100_000,
    signal: AbortSignal.timeout(120_000),
  })) {
    if (part.type !== "text") continue;
    const now = performance.now();
    if (Number.isNaN(first)) first = now;
    last = now;
    text += part.text;
  }
  return { ttftMs: first - started, streamMs: last - first, text };
}
