import { answerText, ONTRAPORT_UNAUTHORIZED_TEXT } from "./classify";
import { restCall, type RestContext, type RestStep } from "./http";

// Test connection for the REST protocol: `GET /1/objects?objectID=0&range=1` (one contact at most),
// the cheap check ONTRAPORT's WooCommerce plugin makes.

export type RestConnectionResult =
  | { result: "valid"; code: number; message: string; step: RestStep }
  | { result: "rejected_key"; code: number; message: string; step: RestStep }
  | { result: "no_permission"; code: number; message: string; step: RestStep }
  | { result: "unreachable"; code: number | null; message: string; step: RestStep };

export async function testRestConnection(ctx: RestContext): Promise<RestConnectionResult> {
  const step = await restCall(ctx, { method: "GET", path: "/objects", params: { objectID: 0, range: 1 } });
  const code = step.status;
  if (code === null) {
    return { result: "unreachable", code, step, message: `ONTRAPORT could not be reached: ${step.error ?? "no answer"}.` };
  }
  if (code === 200) return { result: "valid", code, step, message: "Valid: ONTRAPORT accepted the App ID and API key." };
  if (code === 401) {
    return { result: "rejected_key", code, step, message: `Rejected key: ONTRAPORT answered "${answerText(step) || ONTRAPORT_UNAUTHORIZED_TEXT}" Check the App ID and the API key, or make a new key in ONTRAPORT.` };
  }
  if (code === 403) {
    return { result: "no_permission", code, step, message: "No permission: the key works, but its ONTRAPORT user may not read contacts. Give that user the permission, or use a key of a user who has it." };
  }
  if (code === 429) return { result: "unreachable", code, step, message: `ONTRAPORT answered "too many requests" (429): try again in ${step.rateLimitReset ?? 60} s.` };
  if (code >= 300 && code < 400) return { result: "unreachable", code, step, message: `The API answered with a redirect (${code}), which is never followed: check the base URL.` };
  if (code >= 500 || code === 408) return { result: "unreachable", code, step, message: `ONTRAPORT is having trouble right now (${code}). Try again in a few minutes.` };
  return { result: "unreachable", code, step, message: `ONTRAPORT answered ${code}${answerText(step) ? `: ${answerText(step)}` : ""}. Check the base URL.` };
}
