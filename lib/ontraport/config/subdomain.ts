/**
 * The ONTRAPORT Sub-domain of a theme (Partner Tracking Pixel method): the host of the conversion
 * URL ONTRAPORT gives the merchant. Receipts load `https://<host>/p?...`, so whatever is stored here
 * ends up in an `<img src>` on a shopper-facing page: only a plain DNS host name gets through.
 */

export type SubdomainResult = { ok: true; host: string } | { ok: false; error: string };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EXAMPLE = "Enter a host name such as ontraport.ontraport.com, or paste the conversion URL ONTRAPORT gave you.";

/** Whether `host` is a syntactically valid DNS host name with at least two labels and a non-numeric top-level label. */
export function isDnsHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  // A numeric last label means an IPv4 literal (or something that parses as one): refused.
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

/**
 * Accepts a bare host (`ontraport.ontraport.com`) or a pasted conversion URL
 * (`https://ontraport.ontraport.com/p?...`) and keeps only the host, lower-cased. With `allowLocal`
 * (CARTLINK_ALLOW_LOCAL_ONTRAPORT, the demo and tests) `localhost` and `127.0.0.1` with an optional
 * `:port` are accepted too, for the bundled simulator.
 */
export function normalizeSubdomain(input: string, opts: { allowLocal: boolean }): SubdomainResult {
  const raw = input.trim();
  if (raw === "") return { ok: false, error: EXAMPLE };
  if (/[\s"'`<>\\]/.test(raw) || /\p{Cc}/u.test(raw)) {
    return { ok: false, error: "A host name cannot contain spaces, quotes, angle brackets or backslashes. " + EXAMPLE };
  }

  let hostPart: string;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  if (scheme && raw.slice(scheme[0].length).startsWith("//")) {
    const proto = scheme[1]!.toLowerCase();
    if (proto !== "https" && proto !== "http") return { ok: false, error: `A ${proto}: address is not a host name. ${EXAMPLE}` };
    const rest = raw.slice(scheme[0].length + 2);
    hostPart = rest.split(/[/?#]/, 1)[0]!;
    if (hostPart === "") return { ok: false, error: `That is only a scheme (${proto}://) with no host. ${EXAMPLE}` };
  } else if (scheme && !/^[0-9]*(?:[/?#]|$)/.test(raw.slice(scheme[0].length))) {
    // `javascript:alert(1)`, `data:...`, `mailto:...`: a scheme, not host:port.
    return { ok: false, error: `A ${scheme[1]!.toLowerCase()}: address is not a host name. ${EXAMPLE}` };
  } else {
    hostPart = raw.split(/[/?#]/, 1)[0]!;
  }

  if (hostPart.includes("@")) return { ok: false, error: `A host name cannot contain user names or passwords (@). ${EXAMPLE}` };
  if (hostPart.startsWith("[")) return { ok: false, error: `IP addresses are not accepted; ONTRAPORT gives you a host name. ${EXAMPLE}` };

  let host = hostPart.toLowerCase();
  let port: string | undefined;
  const colon = host.lastIndexOf(":");
  if (colon !== -1) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return { ok: false, error: `"${port}" is not a port number. ${EXAMPLE}` };
  }
  if (host.endsWith(".")) host = host.slice(0, -1);

  if (opts.allowLocal && LOCAL_HOSTS.has(host)) return { ok: true, host: port ? `${host}:${port}` : host };
  if (/^[0-9.]+$/.test(host) || host.includes(":")) return { ok: false, error: `IP addresses are not accepted; ONTRAPORT gives you a host name. ${EXAMPLE}` };
  if (LOCAL_HOSTS.has(host)) return { ok: false, error: `${host} is only accepted in development (CARTLINK_ALLOW_LOCAL_ONTRAPORT). ${EXAMPLE}` };
  if (!isDnsHostName(host)) return { ok: false, error: `"${hostPart}" is not a valid host name. ${EXAMPLE}` };
  if (port && port !== "443") return { ok: false, error: `Enter the host name without a port. ${EXAMPLE}` };
  return { ok: true, host };
}

/** Whether a stored host is a local one (served over http by the simulator). */
export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.replace(/:[0-9]+$/, ""));
}

/** The pixel URL a receipt of a theme with this sub-domain loads (shown on the page as an example). */
export function pixelUrlExample(host: string): string {
  return `${isLocalHost(host) ? "http" : "https"}://${host}/p?order_id=…`;
}
