import { DomainError } from "../errors";
import { publishUserEvent } from "../events";
import type { AuthDeps } from "./create-auth";
import { asAuthLibraryError } from "./library-error";
import { signInEmailLimitKey } from "./policies";
import { libraryHeaders, setCookies } from "./request-headers";
import type { AuthRequest, SignInInput } from "./schemas";
import { type SignedIn, sessionEventData } from "./sign-up";
import { findAuthUser } from "./users";

const INVALID_CREDENTIALS = "Invalid email or password";

/**
 * Checks an email and password and opens a session. Every failure reads the same, whether or not
 * the email exists. A success clears the account's failed-attempt counter.
 */
export async function signIn(
  deps: AuthDeps,
  input: SignInInput,
  request: AuthRequest,
): Promise<SignedIn> {
  let result;
  try {
    result = await deps.auth.library.api.signInEmail({
      body: { email: input.email, password: input.password },
      headers: libraryHeaders(request),
      returnHeaders: true,
    });
  } catch (error) {
    const known = asAuthLibraryError(error);
    if (known && known.statusCode >= 400 && known.statusCode < 500) {
      throw new DomainError("UNAUTHORIZED", INVALID_CREDENTIALS);
    }
    throw error;
  }
  const user = await findAuthUser(deps.db, result.response.user.id);
  if (!user) throw new DomainError("UNAUTHORIZED", INVALID_CREDENTIALS);
  await deps.rateLimiter.reset("auth.signIn.email", signInEmailLimitKey(input.email));
  await publishUserEvent(deps, {
    userId: user.id,
    type: "session.signedIn",
    data: sessionEventData(request),
  });
  return { user, cookies: setCookies(result.headers) };
}
