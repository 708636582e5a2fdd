import { DomainError } from "../errors";
import { publishUserEvent } from "../events";
import type { AuthDeps } from "./create-auth";
import { asAuthLibraryError } from "./library-error";
import { libraryHeaders, setCookies } from "./request-headers";
import type { AuthRequest, AuthUser, SignUpInput } from "./schemas";
import { findAuthUser } from "./users";

export interface SignedIn {
  user: AuthUser;
  /** Set-Cookie values that establish the session. */
  cookies: string[];
}

/** Creates an account and signs it in. The first account on a fresh installation is an admin. */
export async function signUp(
  deps: AuthDeps,
  input: SignUpInput,
  request: AuthRequest,
): Promise<SignedIn> {
  let result;
  try {
    result = await deps.auth.library.api.signUpEmail({
      body: { email: input.email, password: input.password, name: input.name },
      headers: libraryHeaders(request),
      returnHeaders: true,
    });
  } catch (error) {
    const known = asAuthLibraryError(error);
    if (known?.code?.startsWith("USER_ALREADY_EXISTS")) {
      throw new DomainError("CONFLICT", "An account with this email already exists", {
        details: { field: "email" },
      });
    }
    if (known && known.statusCode >= 400 && known.statusCode < 500) {
      throw new DomainError("VALIDATION", "The account could not be created with these details", {
        cause: error,
      });
    }
    throw error;
  }
  const user = await findAuthUser(deps.db, result.response.user.id);
  if (!user) throw new Error("signed-up user not found");
  await publishUserEvent(deps, {
    userId: user.id,
    type: "session.signedIn",
    data: sessionEventData(request),
  });
  return { user, cookies: setCookies(result.headers) };
}

export function sessionEventData(request: AuthRequest): Record<string, unknown> {
  const userAgent = request.headers.get("user-agent")?.slice(0, 512);
  return { ...(userAgent ? { userAgent } : {}), ...(request.ip ? { ip: request.ip } : {}) };
}
