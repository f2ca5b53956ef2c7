import { getDb } from "@/lib/db/client";
import { answerItemPoll } from "@/lib/ontraport/inbound/items-feed";

/** ONTRAPORT's item poll (see docs/ontraport-protocol.md): authenticated by the merchant's polling key, not a session. */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams.entries());
  const key = url.searchParams.get("key") ?? request.headers.get("x-api-key");
  delete query.key;
  const answer = await answerItemPoll(await getDb(), { key: key || null, query, path: url.pathname });
  return new Response(answer.xml, { status: answer.status, headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "no-store" } });
}
