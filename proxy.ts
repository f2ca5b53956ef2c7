import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig, isPublicPath } from "@/lib/auth/config";
import { bodyTooLarge, newNonce, securityHeaders, TOO_LARGE_MESSAGE } from "@/lib/security/headers";

const { auth } = NextAuth(authConfig);

/**
 * Every request: security headers with a fresh CSP nonce (Next applies it to its own scripts), and a
 * first filter that sends anonymous visitors of dashboard pages to /login (401 for APIs). Every page,
 * server action and route handler still checks the session, role and merchant itself.
 */
export const proxy = auth((req) => {
  const { pathname, search } = req.nextUrl;
  const https = req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const nonce = newNonce();
  const headers = securityHeaders({ nonce, pathname, https, dev: process.env.NODE_ENV === "development" });

  let response: NextResponse;
  if (bodyTooLarge(req.headers)) {
    // Next would fail on it later with a 500; answer a short message here.
    response = pathname.startsWith("/api/") ? NextResponse.json({ error: TOO_LARGE_MESSAGE }, { status: 413 }) : new NextResponse(TOO_LARGE_MESSAGE, { status: 413, headers: { "content-type": "text/plain; charset=utf-8" } });
  } else if (!wellFormedPath(pathname)) {
    // A malformed percent escape (`/orders/%E0%A4%A`) would make Next's router throw: answer 400 here.
    response = pathname.startsWith("/api/") ? NextResponse.json({ error: "Malformed address." }, { status: 400 }) : new NextResponse("Malformed address.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  } else if (!req.auth?.user && !isPublicPath(pathname)) {
    if (pathname.startsWith("/api/")) {
      response = NextResponse.json({ error: "Sign in to continue." }, { status: 401 });
    } else {
      const login = new URL("/login", req.nextUrl);
      login.searchParams.set("callbackUrl", `${pathname}${search}`);
      response = NextResponse.redirect(login);
    }
  } else {
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
});

function wellFormedPath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
