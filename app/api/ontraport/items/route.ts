import { z } from "zod";
import { publicRoute, type ErrorFormat } from "@/lib/route";
import { answerItemPoll, errorXml } from "@/lib/ontraport/inbound/items-feed";
import { clientAddress, describeWait, LIMITS, recordFailure, TooManyAttempts, tooManyResponse, waitSeconds } from "@/lib/security/limits";

const XML = { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "no-store" };

/** ONTRAPORT reads XML: errors too are answered in the poll's own error document. */
const xmlError: ErrorFormat = (status, message) => new Response(errorXml(message), { status, headers: XML });

/**
 * ONTRAPORT's item poll (see docs/ontraport-xml.md): authenticated by the merchant's polling key, not a session.
 * Wrong or missing keys are counted per client address; past the free ones the client waits (429, Retry-After).
 * The query's fields (item_id, page, per_page) are checked by answerItemPoll, which answers their errors in XML.
 */
export const GET = publicRoute(
  {
    why: "ONTRAPORT polls with the merchant's polling key, not a session; wrong keys are counted and limited per client",
    query: z.record(z.string(), z.string()),
    format: xmlError,
  },
  async ({ req, query: { key: _key, ...query }, db: open }) => {
    const key = req.nextUrl.searchParams.get("key") ?? req.headers.get("x-api-key");
    const db = await open();
    const client = clientAddress(req.headers);
    const wait = await waitSeconds(db, LIMITS.itemPollClient, client);
    if (wait) {
      const e = new TooManyAttempts(wait, `Too many wrong polling keys from this address. Wait ${describeWait(wait)}, then try again.`);
      return tooManyResponse(e, { text: errorXml(e.message), contentType: "application/xml; charset=utf-8" });
    }
    const answer = await answerItemPoll(db, { key: key || null, query, path: req.nextUrl.pathname });
    if (answer.status === 401) await recordFailure(db, LIMITS.itemPollClient, client);
    return new Response(answer.xml, { status: answer.status, headers: XML });
  },
);
