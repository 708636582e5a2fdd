import type { IncomingMessage } from "node:http";

import { describe, expect, it } from "vitest";

import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  formatXDate,
  signingKey,
  signVolcRequest,
} from "../src/image-providers";
import { verifyVolcSignature } from "./image-providers-support/volc-verify";

/**
 * VolcEngine's signature against the worked example in its documentation, 签名过程Demo
 * (https://www.volcengine.com/docs/6369/67270): the fixed AK/SK, request and X-Date below and
 * every expected intermediate value are quoted from that page.
 */
const DOC = {
  accessKeyId: "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg",
  secretAccessKey: "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==",
  url: "https://iam.volcengineapi.com/?Action=ListUsers&Version=2018-01-01&Limit=10&Offset=0",
  now: new Date("2024-06-19T07:13:06Z"),
  region: "cn-beijing",
  service: "iam",
  canonicalRequest: [
    "GET",
    "/",
    "Action=ListUsers&Limit=10&Offset=0&Version=2018-01-01",
    "host:iam.volcengineapi.com",
    "x-date:20240619T071306Z",
    "",
    "host;x-date",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  ].join("\n"),
  stringToSign: [
    "HMAC-SHA256",
    "20240619T071306Z",
    "20240619/cn-beijing/iam/request",
    "5ed5bca3905e1fcbf789abb56a17c2d819674a3bcfa468ae476bd1ea80d135cb",
  ].join("\n"),
  signingKeyHex: "abee62e533a58934c49954459a3c3237d2fccea517c9a7c8a2651d8ea7779826",
  signature: "e31c4558bcfe08a286001f59cedbf0791ffd0b2362f10e55ee2627467bcdde93",
  authorization:
    "HMAC-SHA256 Credential=AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg/20240619/cn-beijing/iam/request, SignedHeaders=host;x-date, Signature=e31c4558bcfe08a286001f59cedbf0791ffd0b2362f10e55ee2627467bcdde93",
};

describe("VolcEngine signing, against the documented example", () => {
  const signed = signVolcRequest({
    method: "GET",
    url: DOC.url,
    body: "",
    credentials: { accessKeyId: DOC.accessKeyId, secretAccessKey: DOC.secretAccessKey },
    region: DOC.region,
    service: DOC.service,
    now: DOC.now,
    // The example signs only host and x-date.
    contentSha256: false,
  });

  it("builds the documented canonical request and string to sign", () => {
    expect(signed.canonicalRequest).toBe(DOC.canonicalRequest);
    expect(signed.stringToSign).toBe(DOC.stringToSign);
    expect(signed.credentialScope).toBe("20240619/cn-beijing/iam/request");
    expect(signed.signedHeaders).toBe("host;x-date");
  });

  it("derives the documented signing key and signature", () => {
    expect(
      signingKey(DOC.secretAccessKey, "20240619", DOC.region, DOC.service).toString("hex"),
    ).toBe(DOC.signingKeyHex);
    expect(signed.signature).toBe(DOC.signature);
    expect(signed.authorization).toBe(DOC.authorization);
    expect(signed.headers).toEqual({
      "X-Date": "20240619T071306Z",
      Authorization: DOC.authorization,
    });
  });
});

describe("VolcEngine signing, the canonical pieces", () => {
  it("formats X-Date in UTC without separators or milliseconds", () => {
    expect(formatXDate(new Date("2025-01-02T03:04:05.678Z"))).toBe("20250102T030405Z");
  });

  it("encodes the query per RFC 3986 and sorts it by name, keeping repeated names in order", () => {
    const query = new URLSearchParams([
      ["b", "x y*'()!"],
      ["A", "~-_."],
      ["b", "2"],
      ["名", "值"],
    ]);
    // Sorted by the encoded names' bytes: "%" < "A" < "b".
    expect(canonicalQueryString(query)).toBe(
      "%E5%90%8D=%E5%80%BC&A=~-_.&b=x%20y%2A%27%28%29%21&b=2",
    );
  });

  it("keeps / in paths and uses / for an empty path", () => {
    expect(canonicalUri("")).toBe("/");
    expect(canonicalUri("/a b/c")).toBe("/a%20b/c");
  });

  it("lower-cases, trims and sorts headers", () => {
    expect(
      canonicalHeaders({ "X-Date": " 1 ", Host: "h", "Content-Type": "application/json" }),
    ).toEqual({
      canonical: "content-type:application/json\nhost:h\nx-date:1\n",
      signed: "content-type;host;x-date",
    });
  });

  it("signs Content-Type, Host, X-Content-Sha256 and X-Date of a POST like the SDKs do", () => {
    const body = JSON.stringify({ req_key: "jimeng_t2i_v31", prompt: "一只猫 & a dog" });
    const signed = signVolcRequest({
      method: "POST",
      url: "https://visual.volcengineapi.com?Action=CVSync2AsyncSubmitTask&Version=2022-08-31",
      headers: { "Content-Type": "application/json" },
      body,
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      region: "cn-north-1",
      service: "cv",
      now: new Date("2025-03-04T05:06:07Z"),
    });
    expect(signed.signedHeaders).toBe("content-type;host;x-content-sha256;x-date");
    expect(signed.headers["X-Content-Sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.canonicalRequest.split("\n").slice(0, 3)).toEqual([
      "POST",
      "/",
      "Action=CVSync2AsyncSubmitTask&Version=2022-08-31",
    ]);

    // The independent server-side check (test support) accepts it, and rejects a changed body.
    const asReceived = (headers: Record<string, string>) =>
      ({
        method: "POST",
        url: "/?Action=CVSync2AsyncSubmitTask&Version=2022-08-31",
        headers: Object.fromEntries(
          Object.entries({ ...headers, Host: "visual.volcengineapi.com" }).map(([k, v]) => [
            k.toLowerCase(),
            v,
          ]),
        ),
      }) as unknown as IncomingMessage;
    const options = {
      keys: { AK: "SK" },
      region: "cn-north-1",
      service: "cv",
      now: new Date("2025-03-04T05:07:00Z"),
    };
    expect(verifyVolcSignature(asReceived(signed.headers), Buffer.from(body), options)).toEqual({
      ok: true,
      accessKeyId: "AK",
    });
    expect(
      verifyVolcSignature(asReceived(signed.headers), Buffer.from(`${body} `), options),
    ).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });
});
