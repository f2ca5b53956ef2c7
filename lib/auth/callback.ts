/** Only same-site paths are allowed as the place to return to after sign-in. */
export function safeCallback(url: string | undefined): string {
  if (!url) return "/";
  let pathOnly = url;
  try {
    // proxy.ts sends an absolute URL; keep only its path so sign-in can never redirect off-site.
    const parsed = new URL(url, "http://placeholder.invalid");
    pathOnly = `${parsed.pathname}${parsed.search}`;
  } catch {
    return "/";
  }
  if (!pathOnly.startsWith("/") || pathOnly.startsWith("//") || pathOnly.startsWith("/login")) return "/";
  return pathOnly;
}
