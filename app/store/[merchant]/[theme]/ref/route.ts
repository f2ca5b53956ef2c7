import { NextResponse, type NextRequest } from "next/server";
import { sameStorePath } from "@/lib/store/ref-path";
import { AFFILIATE_COOKIE_DAYS, affiliateCookieName, affiliateFromParams, serializeAffiliate } from "@/lib/store/affiliate";
import { STORE_CODE } from "@/lib/validation";

/**
 * StoreFront pages send `?aff=` / `?orid=` links here (server components cannot set cookies):
 * the last link followed wins, kept 30 days, then the shopper lands on the page they came for.
 */
export async function GET(req: NextRequest, { params }: { params: Promise<{ merchant: string; theme: string }> }) {
  const { merchant, theme } = await params;
  const base = `/store/${encodeURIComponent(merchant)}/${encodeURIComponent(theme)}`;
  const sp = Object.fromEntries(req.nextUrl.searchParams.entries());
  const next = sp.next === undefined ? base : sameStorePath(sp.next, base);
  if (next === null) return new NextResponse("This link does not lead to a page of this store.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  // A relative Location keeps the shopper on the host they came by (the server's own idea of its
  // origin may differ behind a proxy, and the cookie belongs to the host that set it).
  const res = new NextResponse(null, { status: 303, headers: { Location: next } });
  const ref = affiliateFromParams(sp);
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
}
