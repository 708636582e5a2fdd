/**
 * Shows who the API key belongs to, then prints the account's events as they happen.
 *
 *   GENFLOW_URL=http://localhost:3000 GENFLOW_API_KEY=gf_… npx tsx examples/list-events.ts [--after <id>] [--limit <n>]
 *
 * --after <id>  also print the events after this id that happened before we connected (0: all kept history)
 * --limit <n>   stop after this many events (default: run until Ctrl-C)
 *
 * Each event is printed as one JSON line: {"id":…,"type":…,"data":…,"createdAt":…}.
 */
import { parseArgs } from "node:util";

import { createGenflowClient, isGenflowError } from "@genflow/client";

import { readExampleEnv } from "./env";

const { values } = parseArgs({
  options: {
    after: { type: "string" },
    limit: { type: "string" },
  },
});
const lastEventId = values.after === undefined ? undefined : Number(values.after);
const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);

const { url, apiKey } = readExampleEnv();
const client = createGenflowClient({ url, apiKey });

async function main(): Promise<void> {
  const session = await client.auth.session.query();
  if (!session) throw new Error("The server did not accept this API key");
  console.log(`Signed in as ${session.user.email} (${session.via})`);

  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const subscription = client.system.onEvents.subscribe(
      { lastEventId },
      {
        onStarted: () => console.log("Listening for events…"),
        onData: ({ data: event }) => {
          console.log(JSON.stringify({ ...event, createdAt: event.createdAt.toISOString() }));
          received += 1;
          if (received >= limit) {
            subscription.unsubscribe();
            resolve();
          }
        },
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
    process.once("SIGINT", () => {
      subscription.unsubscribe();
      resolve();
    });
  });
  console.log(`Done after ${received} event(s).`);
}

main().catch((error: unknown) => {
  if (isGenflowError(error)) {
    console.error(
      `GenFlow error ${error.data.code}: ${error.message} (request ${error.data.requestId})`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
});
