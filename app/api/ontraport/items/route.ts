import { getDb } from "@/lib/db/client";
import { answerItemPoll, errorXml } from "@/lib/ontraport/inbound/items-feed";
import { clientAddress, describeWait, LIMITS, recordFailure, TooManyAttempts, tooManyResponse, waitSeconds } from "@/lib/security/limits";

/**
 * ONTRAPORT's item poll (see docs/ontraport-xml.md): authenticated by the merchant's polling key, not a session.
 * Wrong or missing keys are counted per client address; past the free ones the client waits (429, Retry-After).
 */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams.entries());
  const key = url.searchParams.get("key") ?? request.headers.get("x-api-key");
  delete query.key;
  const db = await getDb();
  const client = clientAddress(request.headers);
  const wait = await waitSeconds(db, LIMITS.itemPollClient, client);
  if (wait) {
    const e = new TooManyAttempts(wait, `Too many wrong polling keys from this address. Wait ${describeWait(wait)}, then try again.`);
    return tooManyResponse(e, { text: errorXml(e.message), contentType: "application/xml; charset=utf-8" });
  }
  const answer = await answerItemPoll(db, { key: key || null, query, path: url.pathname });
  if (answer.status === 401) await recordFailure(db, LIMITS.itemPollClient, client);
  return new Response(answer.xml, { status: answer.status, headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "no-store" } });
}
