// A child process of `pnpm bench:chat`: the local OpenAI-compatible streaming server, on its own
// core's worth of event loop. Prints `{"url": …}` when ready; stops on SIGTERM.
import { startScriptedChatServer } from "@genflow/core/ai-chat/testing";

const server = await startScriptedChatServer();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
