// A child process of `pnpm bench:chat`: the direct reader of the throughput replies, in a process
// that does nothing else (as a service reading the provider itself would). Asked over IPC with
// `{ providerUrl, content }`, it answers with the reply's timings and text; it prints
// `{"ready": true}` when ready and stops when the channel closes.
import { direct } from "./direct";

process.on("message", (request: { providerUrl: string; content: string }) => {
  void direct(request.providerUrl, request.content).then(
    (read) => process.send?.({ read }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.once("disconnect", () => process.exit(0));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
