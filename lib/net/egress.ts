import dns from "node:dns";
import net from "node:net";
import { egressEnv } from "@/lib/env";

// Where cartlink may send server-side requests (the ONTRAPORT endpoint, Test connection).
// Allowed: https hosts under ontraport.com, https hosts the operator lists in ONTRAPORT_ALLOWED_HOSTS
// (each with its sub-domains), and exact origins listed in ONTRAPORT_ALLOWED_LOCAL_ORIGINS (the demo's
// simulator) or the origin of ONTRAPORT_ENDPOINT (the operator's own default). Every host that is not
// such an exact origin is resolved, and refused when any address it resolves to is not public.
// The request then connects to an address that was checked (no second lookup to race).

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const defaultResolver: Resolver = async (host) => dns.promises.lookup(host, { all: true, verbatim: true });

export interface EgressPolicy {
  /** Host names allowed besides ontraport.com (each with its sub-domains), lower case. */
  allowedHosts: string[];
  /** Exact origins (`http://127.0.0.1:4010`) allowed without the address check. */
  allowedLocalOrigins: string[];
  resolver: Resolver;
}

/** What the user sees: never what answered or what an address resolved to. */
export const NOT_ALLOWED = "This endpoint is not allowed: cartlink only sends to ONTRAPORT's hosts (https) and to hosts the server's operator allows.";

export type EgressVerdict = { ok: true; url: URL; pinned: ResolvedAddress | null } | { ok: false; reason: string; unresolved?: boolean };

function splitList(v: string | undefined): string[] {
  return (v ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function originOf(v: string): string | null {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** The policy from the server's environment (read on every call: tests and the demo set it at run time). */
export function egressPolicy(overrides: Partial<EgressPolicy> = {}, source: Record<string, string | undefined> = process.env): EgressPolicy {
  const e = egressEnv(source);
  const local = splitList(e.ONTRAPORT_ALLOWED_LOCAL_ORIGINS)
    .map(originOf)
    .filter((o): o is string => o !== null);
  const defaultOrigin = source.ONTRAPORT_ENDPOINT ? originOf(source.ONTRAPORT_ENDPOINT) : null;
  if (defaultOrigin && !isAllowedName(new URL(defaultOrigin).hostname, [])) local.push(defaultOrigin);
  return {
    allowedHosts: splitList(e.ONTRAPORT_ALLOWED_HOSTS).map((h) => h.toLowerCase().replace(/^\*\./, "").replace(/\.$/, "")),
    allowedLocalOrigins: local,
    resolver: defaultResolver,
    ...overrides,
  };
}

/** Adds an exact local origin to this process's policy (benchmarks and tests that start a local ONTRAPORT stand-in). */
export function allowLocalOrigin(url: string): void {
  const origin = new URL(url).origin;
  const list = splitList(process.env.ONTRAPORT_ALLOWED_LOCAL_ORIGINS);
  if (!list.includes(origin)) process.env.ONTRAPORT_ALLOWED_LOCAL_ORIGINS = [...list, origin].join(",");
}

function isAllowedName(host: string, extra: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (h === "" || net.isIP(h.replace(/^\[|\]$/g, "")) !== 0) return extra.includes(h);
  return ["ontraport.com", ...extra].some((base) => h === base || h.endsWith(`.${base}`));
}

/** Syntax part of the policy (no resolution): for the form's first answer. */
export function checkUrl(input: string, policy: Pick<EgressPolicy, "allowedHosts" | "allowedLocalOrigins">): { ok: true; url: URL; local: boolean } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: NOT_ALLOWED };
  }
  if (url.username || url.password) return { ok: false, reason: NOT_ALLOWED };
  if (policy.allowedLocalOrigins.includes(url.origin)) return { ok: true, url, local: true };
  if (url.protocol !== "https:") return { ok: false, reason: NOT_ALLOWED };
  if (!isAllowedName(url.hostname, policy.allowedHosts)) return { ok: false, reason: NOT_ALLOWED };
  return { ok: true, url, local: false };
}

/** Resolves and checks a destination. Opens no connection; the resolver is the only thing it calls. */
export async function checkDestination(input: string, policy: EgressPolicy = egressPolicy()): Promise<EgressVerdict> {
  const syntax = checkUrl(input, policy);
  if (!syntax.ok) return syntax;
  if (syntax.local) return { ok: true, url: syntax.url, pinned: null };
  const host = syntax.url.hostname.replace(/^\[|\]$/g, "");
  let addresses: ResolvedAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      addresses = await policy.resolver(host);
    } catch {
      return { ok: false, reason: "the host name could not be resolved", unresolved: true };
    }
  }
  if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) return { ok: false, reason: NOT_ALLOWED };
  return { ok: true, url: syntax.url, pinned: addresses[0]! };
}

// ---------------------------------------------------------------------------------------------------
// Addresses

function v4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

const V4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this" network, unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function v4Public(n: number): boolean {
  return V4_BLOCKED.every(([base, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((n & mask) >>> 0) !== ((v4ToInt(base)! & mask) >>> 0);
  });
}

/** Eight 16-bit groups, or null. Accepts a trailing dotted IPv4 part. */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = v4ToInt(dotted[1]!);
    if (n === null) return null;
    s = s.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** True only for a globally routable unicast address. Anything unparsable is not public. */
export function isPublicAddress(ip: string): boolean {
  const raw = ip.replace(/^\[|\]$/g, "");
  const kind = net.isIP(raw.split("%")[0]!);
  if (kind === 4) return v4Public(v4ToInt(raw)!);
  if (kind !== 6) return false;
  const g = v6Groups(raw);
  if (!g) return false;
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const first5Zero = g.slice(0, 5).every((x) => x === 0);
  if (first5Zero && g[5] === 0xffff) return v4Public(embeddedV4); // IPv4-mapped
  if (first5Zero && g[5] === 0) return false; // ::, ::1, IPv4-compatible
  if (g[0] === 0x64 && g[1] === 0xff9b) return false; // NAT64
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return false; // discard
  if ((g[0]! & 0xe000) !== 0x2000) return false; // only 2000::/3 is global unicast (ULA, link-local, multicast, site-local out)
  if (g[0] === 0x2001 && g[1] === 0xdb8) return false; // documentation
  if (g[0] === 0x2001 && g[1]! < 0x200) return false; // Teredo, benchmarking, ORCHID and other special 2001::/23
  if (g[0] === 0x2002) return false; // 6to4 (carries an IPv4 address that may be private)
  return true;
}
