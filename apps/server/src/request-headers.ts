import type { IncomingHttpHeaders } from "node:http";

import type { RequestHeaders } from "@genflow/core/auth";

/**
 * The request's headers as the API reads them, straight from what Node already parsed: no copy
 * into a WHATWG `Headers` per request. Node lower-cases names and joins repeated headers (cookies
 * with "; ", the rest with ", "); only `set-cookie` stays a list, and requests do not carry it.
 */
export function headersOf(raw: IncomingHttpHeaders): RequestHeaders {
  const read = (name: string) => raw[name.toLowerCase()];
  return {
    get(name) {
      const value = read(name);
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
    has: (name) => read(name) !== undefined,
  };
}
