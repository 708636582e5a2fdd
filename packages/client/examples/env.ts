/** What the examples read from the environment. */
export interface ExampleEnv {
  /** The GenFlow server, e.g. http://localhost:3000. */
  url: string;
  /** An API key created in GenFlow under Settings → API keys. */
  apiKey: string;
}

export function readExampleEnv(): ExampleEnv {
  const url = process.env.GENFLOW_URL ?? "http://localhost:3000";
  const apiKey = process.env.GENFLOW_API_KEY;
  if (!apiKey) {
    console.error(
      "Set GENFLOW_API_KEY to an API key (and GENFLOW_URL to your server, default http://localhost:3000).",
    );
    process.exit(2);
  }
  return { url, apiKey };
}
