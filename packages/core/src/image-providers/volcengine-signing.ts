import { createHash, createHmac } from "node:crypto";

/**
 * VolcEngine's request signature (HMAC-SHA256, "Signature V4"), as documented in 签名方法
 * (https://www.volcengine.com/docs/6369/67269) with the worked example 签名过程Demo
 * (https://www.volcengine.com/docs/6369/67270), and as the official SDKs do it
 * (volc-sdk-python `SignerV4`: signs Content-Type, Host and every X-* header):
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
 *                      SignedHeaders \n HexEncode(SHA256(Payload))
 *   StringToSign     = "HMAC-SHA256" \n X-Date \n CredentialScope \n HexEncode(SHA256(CanonicalRequest))
 *   CredentialScope  = YYYYMMDD/region/service/request
 *   kSigning         = HMAC(HMAC(HMAC(HMAC(SecretAccessKey, YYYYMMDD), region), service), "request")
 *   Signature        = HexEncode(HMAC(kSigning, StringToSign))
 *   Authorization    = HMAC-SHA256 Credential=AK/CredentialScope, SignedHeaders=..., Signature=...
 *
 * Pure: the clock value comes in as `now`, nothing is read from the environment.
 */

export const VOLC_ALGORITHM = "HMAC-SHA256";

export interface VolcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VolcSignInput {
  method: string;
  /** The full request URL; its host, path and query are signed. */
  url: string | URL;
  /** Extra headers to send and sign (e.g. Content-Type). Host and X-Date are always signed. */
  headers?: Record<string, string>;
  body: string | Uint8Array;
  credentials: VolcCredentials;
  region: string;
  service: string;
  now: Date;
  /** Add and sign `X-Content-Sha256` (the SDKs always do). Default true. */
  contentSha256?: boolean;
}

export interface VolcSignedRequest {
  /** The headers to send: the given ones plus X-Date, X-Content-Sha256 and Authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
  signedHeaders: string;
  signature: string;
  authorization: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the X-Date format. */
export function formatXDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - _ . ~`, spaces as `%20`. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The path, each segment RFC 3986-encoded; `/` when empty. */
export function canonicalUri(pathname: string): string {
  if (pathname === "" || pathname === "/") return "/";
  return pathname
    .split("/")
    .map((segment) => rfc3986Encode(safeDecode(segment)))
    .join("/");
}

/**
 * Each name and value RFC 3986-encoded, sorted by name in ASCII byte order (values of one name
 * keep their order), joined as `name=value` with `&`.
 */
export function canonicalQueryString(query: URLSearchParams): string {
  const pairs = [...query].map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)]);
  pairs.sort(([a = ""], [b = ""]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/** `name:value\n` per header, names lower-cased and sorted, values trimmed; plus the name list. */
export function canonicalHeaders(headers: Record<string, string>): {
  canonical: string;
  signed: string;
} {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonical: entries.map(([name, value]) => `${name}:${value}\n`).join(""),
    signed: entries.map(([name]) => name).join(";"),
  };
}

/** kSigning, derived from the secret key for one day, region and service. */
export function signingKey(
  secretAccessKey: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmacSha256(secretAccessKey, shortDate);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, "request");
}

/** Signs one request; returns the headers to send and every intermediate value. */
export function signVolcRequest(input: VolcSignInput): VolcSignedRequest {
  const url = typeof input.url === "string" ? new URL(input.url) : input.url;
  const xDate = formatXDate(input.now);
  const shortDate = xDate.slice(0, 8);
  const payloadHash = sha256Hex(input.body);

  const sent: Record<string, string> = { ...input.headers, "X-Date": xDate };
  if (input.contentSha256 ?? true) sent["X-Content-Sha256"] = payloadHash;
  // fetch sends Host itself, from the URL (`host` omits the scheme's default port).
  const { canonical, signed } = canonicalHeaders({ ...sent, Host: url.host });

  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQueryString(url.searchParams),
    canonical,
    signed,
    payloadHash,
  ].join("\n");
  const credentialScope = `${shortDate}/${input.region}/${input.service}/request`;
  const stringToSign = [VOLC_ALGORITHM, xDate, credentialScope, sha256Hex(canonicalRequest)].join(
    "\n",
  );
  const key = signingKey(input.credentials.secretAccessKey, shortDate, input.region, input.service);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  const authorization =
    `${VOLC_ALGORITHM} Credential=${input.credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signed}, Signature=${signature}`;

  return {
    headers: { ...sent, Authorization: authorization },
    canonicalRequest,
    stringToSign,
    credentialScope,
    signedHeaders: signed,
    signature,
    authorization,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
