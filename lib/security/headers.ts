// Response security headers, set for every request by proxy.ts. Pure, so they are unit-tested.

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** StoreFront pages are public, shopper-facing, and narrow img-src per theme with a CSP <meta>. */
export function isStoreFront(pathname: string): boolean {
  return pathname.startsWith("/store/");
}

/**
 * Scripts run only with this request's nonce ('strict-dynamic' lets Next's own chunks load): no
 * 'unsafe-inline' scripts. Styles allow inline attributes (Radix positions popovers with them).
 * Every policy starts from `default-src 'self'`. StoreFront pages let any image through here and
 * leave the narrowing to their per-theme <meta> policy (self, data: and the theme's ONTRAPORT host),
 * since two policies must both allow an image.
 */
export function contentSecurityPolicy({ nonce, pathname, dev = false }: { nonce: string; pathname: string; dev?: boolean }): string {
  const directives = [
    "default-src 'self'",
    isStoreFront(pathname) ? "img-src * data:" : "img-src 'self' data: blob:",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** Server actions accept at most 1 MB (Next's default); a larger request is answered 413 before Next reads it. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const TOO_LARGE_MESSAGE = "This request is too large (at most 1 MB). Shorten the text or leave out large fields.";

/** True when a request announces a body over the limit. */
export function bodyTooLarge(headers: Headers, limit = MAX_BODY_BYTES): boolean {
  const length = Number(headers.get("content-length") ?? "0");
  return Number.isFinite(length) && length > limit;
}

export function securityHeaders({ nonce, pathname, https, dev = false }: { nonce: string; pathname: string; https: boolean; dev?: boolean }): Record<string, string> {
  const h: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy({ nonce, pathname, dev }),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // The receipt URL carries its secret token: never send it on, not even to ONTRAPORT's pixel host.
    "Referrer-Policy": isStoreFront(pathname) ? "no-referrer" : "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (https) h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return h;
}
