import { NextResponse } from "next/server";
import { z } from "zod";
import { publicRoute, type ErrorFormat } from "@/lib/route";
import { UserError } from "@/lib/errors";
import { sameStorePath } from "@/lib/store/ref-path";
import { AFFILIATE_COOKIE_DAYS, affiliateCookieName, affiliateFromParams, serializeAffiliate } from "@/lib/store/affiliate";
import { STORE_CODE } from "@/lib/validation";

/** A shopper followed a link: errors are a short line of text, not JSON. */
const textError: ErrorFormat = (status, message) => new NextResponse(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * StoreFront pages send `?aff=` / `?orid=` links here (server components cannot set cookies):
 * the last link followed wins, kept 30 days, then the shopper lands on the page they came for.
 */
export const GET = publicRoute(
  {
    why: "shoppers have no login; it only sets the caller's own affiliate cookie and redirects within the same store",
    params: z.object({ merchant: z.string(), theme: z.string() }),
    query: z.object({ next: z.string().optional() }).catchall(z.string()),
    format: textError,
  },
  async ({ req, params: { merchant, theme }, query }) => {
    const base = `/store/${encodeURIComponent(merchant)}/${encodeURIComponent(theme)}`;
    const next = query.next === undefined ? base : sameStorePath(query.next, base);
    if (next === null) throw new UserError("This link does not lead to a page of this store.");
    // A relative Location keeps the shopper on the host they came by (the server's own idea of its
    // origin may differ behind a proxy, and the cookie belongs to the host that set it).
    const res = new NextResponse(null, { status: 303, headers: { Location: next } });
    const ref = affiliateFromParams(query);
    if (ref && STORE_CODE.test(merchant)) {
      res.cookies.set(affiliateCookieName(merchant), serializeAffiliate(ref), {
        httpOnly: true,
        sameSite: "lax",
        secure: req.nextUrl.protocol === "https:",
        path: `/store/${merchant}`,
        maxAge: AFFILIATE_COOKIE_DAYS * 24 * 60 * 60,
      });
    }
    return res;
  },
);
