import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * VolcEngine's signature check, written from the server's side and on purpose sharing no code
 * with src/image-providers/volcengine-signing.ts: it takes the request as it arrived (raw query
 * string, headers as node parsed them, body bytes) and recomputes canonical request → string
 * to sign → derived key → signature, per https://www.volcengine.com/docs/6369/67269.
 * Failures carry the gateway's error codes (公共错误码, https://www.volcengine.com/docs/6369/68677).
 */

export type Verdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; status: number; code: string; codeN: number; message: string };

const fail = (status: number, code: string, codeN: number, message: string): Verdict => ({
  ok: false,
  status,
  code,
  codeN,
  message,
});

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();

/** RFC 3986: every UTF-8 byte except A–Z a–z 0–9 - _ . ~ as %XX. */
function percentEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += unreserved
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    pairs.push([percentEncode(decode(name)), percentEncode(decode(value))]);
  }
  pairs.sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

export interface VerifyOptions {
  /** Access key id → secret access key. */
  keys: Record<string, string>;
  region: string;
  service: string;
  now: Date;
  maxSkewMs?: number;
}

export function verifyVolcSignature(
  req: IncomingMessage,
  body: Buffer,
  options: VerifyOptions,
): Verdict {
  const authorization = req.headers.authorization;
  if (!authorization) {
    return fail(
      401,
      "MissingAuthenticationToken",
      100003,
      "Request is missing Authentication Token.",
    );
  }
  const match =
    /^HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return fail(400, "InvalidAuthorization", 100024, "Invalid 'Authorization' header");
  const [, accessKeyId = "", scopeDate, region, service, signedHeaders = "", signature = ""] =
    match;

  const secret = options.keys[accessKeyId];
  if (secret === undefined) {
    // Like the real gateway, this message echoes the key id: adapters must scrub it.
    return fail(
      401,
      "InvalidAccessKey",
      100009,
      `The accesskey [${accessKeyId}] included in the request is invalid.`,
    );
  }
  const xDate = req.headers["x-date"];
  if (typeof xDate !== "string" || !/^\d{8}T\d{6}Z$/.test(xDate)) {
    return fail(400, "MissingRequestInfo", 100004, "The request is missing X-Date information.");
  }
  const sentAt = Date.UTC(
    Number(xDate.slice(0, 4)),
    Number(xDate.slice(4, 6)) - 1,
    Number(xDate.slice(6, 8)),
    Number(xDate.slice(9, 11)),
    Number(xDate.slice(11, 13)),
    Number(xDate.slice(13, 15)),
  );
  if (Math.abs(options.now.getTime() - sentAt) > (options.maxSkewMs ?? 15 * 60_000)) {
    return fail(400, "InvalidTimestamp", 100006, "The Signature of the request is expired.");
  }

  const names = signedHeaders.split(";");
  const bodyHash = sha256(body);
  const wrong =
    scopeDate !== xDate.slice(0, 8) ||
    region !== options.region ||
    service !== options.service ||
    !names.includes("host") ||
    !names.includes("x-date") ||
    (names.includes("x-content-sha256") && req.headers["x-content-sha256"] !== bodyHash);

  const [path = "/", rawQuery = ""] = (req.url ?? "/").split("?", 2);
  let canonicalHeaders = "";
  for (const name of names) {
    const value = req.headers[name];
    canonicalHeaders += `${name}:${(Array.isArray(value) ? value.join(",") : (value ?? "")).trim()}\n`;
  }
  const canonicalRequest = [
    req.method ?? "",
    path === "" ? "/" : path,
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaders,
    bodyHash,
  ].join("\n");
  const scope = `${scopeDate}/${region}/${service}/request`;
  const stringToSign = ["HMAC-SHA256", xDate, scope, sha256(canonicalRequest)].join("\n");
  const key = hmac(
    hmac(hmac(hmac(secret, scopeDate ?? ""), region ?? ""), service ?? ""),
    "request",
  );
  const expected = Buffer.from(hmac(key, stringToSign).toString("hex"));
  const given = Buffer.from(signature);
  if (wrong || expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return fail(
      401,
      "SignatureDoesNotMatch",
      100010,
      "The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { ok: true, accessKeyId };
}
