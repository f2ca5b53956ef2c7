import { getDb } from "@/lib/db/client";
import { clientAddress, signInWait, signInWaitMessage, TooManyAttempts, tooManyResponse } from "@/lib/security/limits";

/**
 * A credentials sign-in posted to next-auth's own endpoint (not through the login form) meets the
 * same limits as the form: 429 with Retry-After while a wait applies, else null.
 */
export async function signInLimited(request: Request): Promise<Response | null> {
  if (!new URL(request.url).pathname.endsWith("/callback/credentials")) return null;
  let email = "";
  try {
    const form = await request.clone().formData();
    email = String(form.get("email") ?? "").slice(0, 254);
  } catch {
    /* not a form: next-auth answers it */
  }
  const wait = await signInWait(await getDb(), { email, client: clientAddress(request.headers) });
  return wait ? tooManyResponse(new TooManyAttempts(wait, signInWaitMessage(wait))) : null;
}
