/**
 * `next` as a path of this StoreFront, or null: printable ASCII only (no CR/LF, no U+2028, nothing a
 * Location header cannot carry), no `//` or backslash, and still inside the store once `..` and
 * `%2e%2e` are resolved.
 */
export function sameStorePath(next: string, base: string): string | null {
  if (next.length > 1000 || !/^[\x21-\x7e]*$/.test(next) || !next.startsWith("/") || next.includes("//") || next.includes("\\")) return null;
  let url: URL;
  try {
    url = new URL(next, "http://store.invalid");
  } catch {
    return null;
  }
  if (url.origin !== "http://store.invalid") return null;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  return `${url.pathname}${url.search}`;
}
