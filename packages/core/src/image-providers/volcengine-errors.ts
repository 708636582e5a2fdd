import { z } from "zod";

import { ImageProviderError, malformedResponse, redact } from "./errors";
import { retryAfterMs, type HttpReply } from "./http";

/**
 * How VolcEngine's failures become errors.
 *
 * Gateway errors (signature, key, permissions) come as `{ ResponseMetadata: { Error: { Code,
 * CodeN, Message } } }`, per 公共错误码 (https://www.volcengine.com/docs/6369/68677).
 * Business errors come as `{ code, message, request_id }` with `code` ≠ 10000; codes and the
 * "retry?" column are from the 业务错误码 table of VolcEngine's 即梦 文生图 3.1 API page (the
 * same table on the 4.0 page), which we follow as written — so
 * 50500/50501 (internal errors) are NOT retryable, while unknown codes with an HTTP 5xx are.
 */

export const GatewayErrorBody = z.object({
  ResponseMetadata: z.object({
    RequestId: z.string().optional(),
    Error: z.object({
      Code: z.string().optional(),
      CodeN: z.number().optional(),
      Message: z.string().optional(),
    }),
  }),
});

export const BusinessEnvelope = z.object({
  code: z.number(),
  message: z.string().optional(),
  request_id: z.string().optional(),
  data: z.unknown().optional(),
});

export const VOLC_SUCCESS = 10000;

const AUTH_CODES = new Set([
  "MissingAuthenticationToken",
  "MissingSignature",
  "InvalidTimestamp",
  "InvalidAccessKey",
  "SignatureDoesNotMatch",
  "InvalidSecretToken",
  "InvalidAuthorization",
  "InvalidCredential",
  "LackPolicy",
  "AccessDenied",
]);
const TRANSIENT_GATEWAY_CODES = new Set([
  "InternalError",
  "InternalServiceTimeout",
  "FailToConnect",
  "ServiceUnavailable",
]);

type Rule = Pick<ConstructorParameters<typeof ImageProviderError>[2], "retryable"> & {
  code: ConstructorParameters<typeof ImageProviderError>[0];
  message: string;
};

const REVIEW_REJECTED_PROMPT: Rule = {
  code: "VALIDATION",
  retryable: false,
  message: "VolcEngine's content review rejected the prompt",
};
const REVIEW_BLOCKED_OUTPUT: Rule = {
  code: "VALIDATION",
  retryable: true,
  message: "VolcEngine's content review blocked the generated image; another try may pass",
};
const RATE_LIMITED: Rule = {
  code: "LIMIT_EXCEEDED",
  retryable: true,
  message: "VolcEngine's rate or concurrency limit was reached",
};

const BUSINESS_RULES = new Map<number, Rule>([
  [50411, REVIEW_REJECTED_PROMPT],
  [50412, REVIEW_REJECTED_PROMPT],
  [50413, REVIEW_REJECTED_PROMPT],
  [50518, REVIEW_REJECTED_PROMPT],
  [50511, REVIEW_BLOCKED_OUTPUT],
  [50519, REVIEW_BLOCKED_OUTPUT],
  [
    50512,
    {
      code: "VALIDATION",
      retryable: false,
      message: "VolcEngine's content review rejected the generated text",
    },
  ],
  ...[50520, 50521, 50522].map(
    (code) =>
      [
        code,
        {
          code: "UNAVAILABLE",
          retryable: false,
          message: "VolcEngine's content review service failed",
        },
      ] as const,
  ),
  [50429, RATE_LIMITED],
  [50430, RATE_LIMITED],
  [50500, { code: "UNAVAILABLE", retryable: false, message: "VolcEngine had an internal error" }],
  [50501, { code: "UNAVAILABLE", retryable: false, message: "VolcEngine's model failed" }],
]);

/**
 * The error for a reply that is not a success, or undefined when it is one (HTTP 2xx and, if
 * the body is a business envelope, `code` 10000). `secrets` are scrubbed from provider text.
 */
export function volcEngineFailure(
  reply: HttpReply,
  json: unknown,
  secrets: readonly string[],
  now: Date,
): ImageProviderError | undefined {
  const base = {
    provider: "volcengine" as const,
    httpStatus: reply.status,
    retryAfterMs: retryAfterMs(reply.headers, now),
  };

  const gateway = GatewayErrorBody.safeParse(json);
  if (gateway.success) {
    const { Error: error, RequestId } = gateway.data.ResponseMetadata;
    const code = error.Code ?? String(error.CodeN ?? "unknown");
    const init = {
      ...base,
      providerCode: code,
      providerMessage: error.Message === undefined ? undefined : redact(error.Message, secrets),
      requestId: RequestId,
    };
    if (AUTH_CODES.has(code)) {
      const hint = code === "InvalidTimestamp" ? "; check the server clock" : "";
      return new ImageProviderError(
        "UNAVAILABLE",
        `VolcEngine rejected the request's credentials (${code}${hint})`,
        { ...init, retryable: false },
      );
    }
    if (reply.status === 429) {
      return new ImageProviderError("LIMIT_EXCEEDED", RATE_LIMITED.message, {
        ...init,
        retryable: true,
      });
    }
    const transient = TRANSIENT_GATEWAY_CODES.has(code) || reply.status >= 500;
    return new ImageProviderError("UNAVAILABLE", `VolcEngine refused the request (${code})`, {
      ...init,
      retryable: transient,
    });
  }

  const envelope = BusinessEnvelope.safeParse(json);
  if (envelope.success && envelope.data.code !== VOLC_SUCCESS) {
    const { code, message, request_id } = envelope.data;
    const init = {
      ...base,
      providerCode: code,
      providerMessage: message === undefined ? undefined : redact(message, secrets),
      requestId: request_id,
    };
    const rule = BUSINESS_RULES.get(code) ?? byStatus(reply.status, `code ${code}`);
    return new ImageProviderError(rule.code, rule.message, { ...init, retryable: rule.retryable });
  }

  if (reply.status >= 200 && reply.status < 300) {
    return envelope.success
      ? undefined
      : malformedResponse("volcengine", "answered an unreadable body", {
          httpStatus: reply.status,
        });
  }
  const rule = byStatus(reply.status, `HTTP ${reply.status}`);
  return new ImageProviderError(rule.code, rule.message, { ...base, retryable: rule.retryable });
}

function byStatus(status: number, what: string): Rule {
  if (status === 429) return RATE_LIMITED;
  if (status >= 500) {
    return { code: "UNAVAILABLE", retryable: true, message: `VolcEngine failed (${what})` };
  }
  return {
    code: "UNAVAILABLE",
    retryable: false,
    message: `VolcEngine refused the request (${what})`,
  };
}
