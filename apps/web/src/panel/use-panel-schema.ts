import { useQuery } from "@tanstack/react-query";

import { parseDescription, type PanelProcedure } from "./json-schema";
import { envelopeFromBody, type ErrorView } from "./panel-client";

export type SchemaState =
  | { status: "loading" }
  | { status: "ready"; procedures: PanelProcedure[] }
  | { status: "error"; error: ErrorView };

/** A refused or failed description request, carrying the envelope the host answered with. */
class PanelSchemaError extends Error {
  constructor(readonly view: ErrorView) {
    super(view.message);
  }
}

async function fetchDescription(signal: AbortSignal): Promise<PanelProcedure[]> {
  const response = await fetch("/panel/schema.json", {
    credentials: "same-origin",
    headers: { accept: "application/json" },
    signal,
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new PanelSchemaError(
      envelopeFromBody(body, response.status) ?? {
        code: "INTERNAL",
        message: response.statusText,
        details: null,
        requestId: response.headers.get("x-request-id"),
        httpStatus: response.status,
      },
    );
  }
  return parseDescription(body);
}

function toView(error: unknown): ErrorView {
  if (error instanceof PanelSchemaError) return error.view;
  const message = error instanceof Error ? error.message : String(error);
  return { code: "NETWORK", message, details: null, requestId: null, httpStatus: null };
}

/** The procedure list from /panel/schema.json; `reload` asks again. */
export function usePanelSchema(): { state: SchemaState; reload: () => void } {
  const query = useQuery({
    queryKey: ["panel-schema"],
    queryFn: ({ signal }) => fetchDescription(signal),
    staleTime: Infinity,
    retry: false,
    meta: { errorToast: false },
  });
  const reload = () => void query.refetch();
  if (query.data) return { state: { status: "ready", procedures: query.data }, reload };
  if (query.isError) return { state: { status: "error", error: toView(query.error) }, reload };
  return { state: { status: "loading" }, reload };
}
