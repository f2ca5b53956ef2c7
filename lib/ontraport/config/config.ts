import "server-only";
import { and, desc, eq, like, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";
import { auditLog, ontraportConfigs, themes, users } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { UserError } from "@/lib/errors";
import { INTEGRATION_OFF_REASON } from "../engine/integration-off";
import { resumeAfterNewKey } from "../engine/stale-key";
import { notifyOutbox } from "@/lib/orders/events";
import { encryptSecret, fingerprint, maskedHint } from "./crypto";
import { normalizeSubdomain, pixelUrlExample } from "./subdomain";
import { checkDestination, checkUrl, egressPolicy, type EgressPolicy } from "@/lib/net/egress";
import { recordAudit } from "@/lib/audit";

export type IntegrationMethod = "off" | "api" | "pixel";

/** What the page may show about a merchant's configuration. Never holds the key or its ciphertext. */
export type DeliveryProtocol = "rest" | "xml";

export interface ConfigView {
  method: IntegrationMethod;
  /** API method: ONTRAPORT's REST API (default) or the XML notification endpoint. */
  protocol: DeliveryProtocol;
  /** ONTRAPORT App ID (REST); not a secret. */
  appId: string | null;
  /** REST: the tag every buyer gets ("" for none). */
  tagEveryBuyer: string;
  hasKey: boolean;
  /** `••••3f9a` or "". */
  keyMask: string;
  keyFingerprint: string | null;
  keySetAt: Date | null;
  keySetBy: string | null;
  keyStatus: "untested" | "valid" | "stale";
  keyStatusAt: Date | null;
  keyStatusCode: number | null;
  endpointUrl: string | null;
  defaultEndpoint: string;
  pausedAt: Date | null;
  pausedReason: string | null;
  enabledAt: Date | null;
  hasPollingKey: boolean;
  updatedAt: Date | null;
}

export function allowLocalOntraport(): boolean {
  return env().CARTLINK_ALLOW_LOCAL_ONTRAPORT === "true";
}

/** Creates the merchant's row on first use so updates have something to update. */
async function ensureConfig(tx: Db, merchantId: string): Promise<void> {
  await tx.insert(ontraportConfigs).values({ merchantId }).onConflictDoNothing();
}

export async function getConfigView(db: Db, { merchantId }: { merchantId: string }): Promise<ConfigView> {
  const [row] = await db
    .select({
      method: ontraportConfigs.method,
      protocol: ontraportConfigs.protocol,
      appId: ontraportConfigs.appId,
      tagEveryBuyer: ontraportConfigs.tagEveryBuyer,
      hasKey: sql<boolean>`${ontraportConfigs.apiKeyCiphertext} is not null`,
      apiKeyHint: ontraportConfigs.apiKeyHint,
      apiKeyFingerprint: ontraportConfigs.apiKeyFingerprint,
      apiKeySetAt: ontraportConfigs.apiKeySetAt,
      keySetBy: users.email,
      keyStatus: ontraportConfigs.keyStatus,
      keyStatusAt: ontraportConfigs.keyStatusAt,
      keyStatusCode: ontraportConfigs.keyStatusCode,
      endpointUrl: ontraportConfigs.endpointUrl,
      pausedAt: ontraportConfigs.pausedAt,
      pausedReason: ontraportConfigs.pausedReason,
      enabledAt: ontraportConfigs.enabledAt,
      hasPollingKey: sql<boolean>`${ontraportConfigs.pollingKeyHash} is not null`,
      updatedAt: ontraportConfigs.updatedAt,
    })
    .from(ontraportConfigs)
    .leftJoin(users, eq(users.id, ontraportConfigs.apiKeySetBy))
    .where(eq(ontraportConfigs.merchantId, merchantId));
  const defaultEndpoint = env().ONTRAPORT_ENDPOINT;
  if (!row) {
    return {
      method: "off",
      protocol: "rest",
      appId: null,
      tagEveryBuyer: "",
      hasKey: false,
      keyMask: "",
      keyFingerprint: null,
      keySetAt: null,
      keySetBy: null,
      keyStatus: "untested",
      keyStatusAt: null,
      keyStatusCode: null,
      endpointUrl: null,
      defaultEndpoint,
      pausedAt: null,
      pausedReason: null,
      enabledAt: null,
      hasPollingKey: false,
      updatedAt: null,
    };
  }
  return {
    method: row.method,
    protocol: row.protocol,
    appId: row.appId,
    tagEveryBuyer: row.tagEveryBuyer,
    hasKey: Boolean(row.hasKey),
    keyMask: row.hasKey ? maskedHint(row.apiKeyHint) : "",
    keyFingerprint: row.hasKey ? row.apiKeyFingerprint : null,
    keySetAt: row.apiKeySetAt,
    keySetBy: row.keySetBy,
    keyStatus: row.keyStatus,
    keyStatusAt: row.keyStatusAt,
    keyStatusCode: row.keyStatusCode,
    endpointUrl: row.endpointUrl,
    defaultEndpoint,
    pausedAt: row.pausedAt,
    pausedReason: row.pausedReason,
    enabledAt: row.enabledAt,
    hasPollingKey: Boolean(row.hasPollingKey),
    updatedAt: row.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------------
// API key

/** Longest API key accepted; ONTRAPORT's keys are far shorter, this only stops pasted junk. */
export const MAX_API_KEY_LENGTH = 200;

export function validateApiKey(key: string): string {
  const k = key.trim();
  if (k.length === 0) throw new UserError("Enter the ONTRAPORT API key.", "apiKey");
  if (k.length < 8) throw new UserError("That is too short for an ONTRAPORT API key. Copy the whole key from ONTRAPORT.", "apiKey");
  if (k.length > MAX_API_KEY_LENGTH) throw new UserError(`An ONTRAPORT API key is at most ${MAX_API_KEY_LENGTH} characters.`, "apiKey");
  if (/[\s\p{Cc}]/u.test(k)) throw new UserError("An ONTRAPORT API key has no spaces or line breaks. Copy it again from ONTRAPORT.", "apiKey");
  return k;
}

/**
 * Stores a new ONTRAPORT API key and resumes deliveries paused by a stale key, in one transaction:
 * ciphertext, hint, fingerprint, who and when, status `untested`, pause cleared, paused transmissions
 * back to `pending` now, and a NOTIFY on the outbox channel so the worker sends them at once.
 * The key itself goes nowhere else (the audit entry holds its fingerprint).
 */
export async function saveApiKey(db: Db, { merchantId, userId, key }: { merchantId: string; userId: string | null; key: string }): Promise<{ resumed: number }> {
  const k = validateApiKey(key);
  const ciphertext = encryptSecret(k);
  const fp = fingerprint(k);
  return db.transaction(async (tx) => {
    await ensureConfig(tx, merchantId);
    const now = new Date();
    await tx
      .update(ontraportConfigs)
      .set({
        apiKeyCiphertext: ciphertext,
        apiKeyHint: k.slice(-4),
        apiKeyFingerprint: fp,
        apiKeySetAt: now,
        apiKeySetBy: userId,
        keyStatus: "untested",
        keyStatusAt: null,
        keyStatusCode: null,
        pausedAt: null,
        pausedReason: null,
        updatedAt: now,
      })
      .where(eq(ontraportConfigs.merchantId, merchantId));
    const count = await resumeAfterNewKey(tx, merchantId, now);
    await recordAudit(tx, { merchantId, userId, action: "ontraport.key_set", target: "ONTRAPORT API key", detail: { fingerprint: fp, resumedTransmissions: count } });
    await notifyOutbox(tx, merchantId);
    return { resumed: count };
  });
}

/** Forgets the stored key (the API method then has nothing to send with). */
export async function clearApiKey(db: Db, { merchantId, userId, reason }: { merchantId: string; userId: string | null; reason?: "endpoint_changed" | "protocol_changed" }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ fp: ontraportConfigs.apiKeyFingerprint, has: sql<boolean>`${ontraportConfigs.apiKeyCiphertext} is not null` })
      .from(ontraportConfigs)
      .where(eq(ontraportConfigs.merchantId, merchantId));
    if (!row?.has) return;
    await tx
      .update(ontraportConfigs)
      .set({ apiKeyCiphertext: null, apiKeyHint: null, apiKeyFingerprint: null, apiKeySetAt: null, apiKeySetBy: null, keyStatus: "untested", keyStatusAt: null, keyStatusCode: null, updatedAt: new Date() })
      .where(eq(ontraportConfigs.merchantId, merchantId));
    await recordAudit(tx, { merchantId, userId, action: "ontraport.key_cleared", target: "ONTRAPORT API key", detail: { fingerprint: row.fp, ...(reason ? { reason } : {}) } });
  });
}

// ---------------------------------------------------------------------------------------------------
// REST: App ID and the store-wide tag

export const MAX_APP_ID_LENGTH = 100;
export const MAX_TAG_LENGTH = 100;

export function validateAppId(input: string): string {
  const v = input.trim();
  if (v === "") throw new UserError("Enter the ONTRAPORT App ID. ONTRAPORT shows it beside the API key (Administration → Integrations → ONTRAPORT API Instructions and Key Manager).", "appId");
  if (v.length > MAX_APP_ID_LENGTH) throw new UserError(`An ONTRAPORT App ID is at most ${MAX_APP_ID_LENGTH} characters.`, "appId");
  if (/[\s\p{Cc}]/u.test(v)) throw new UserError("An ONTRAPORT App ID has no spaces or line breaks. Copy it again from ONTRAPORT.", "appId");
  return v;
}

/** One ONTRAPORT tag name: trimmed, at most 100 characters, no commas (they separate tags) or control characters. */
export function validateTagName(input: string, field: string): string {
  const v = input.trim();
  if (v.length > MAX_TAG_LENGTH) throw new UserError(`A tag name is at most ${MAX_TAG_LENGTH} characters.`, field);
  if (v.includes(",")) throw new UserError("One tag only: a comma would split it in two.", field);
  if (/\p{Cc}/u.test(v) || /[\uD800-\uDFFF]/u.test(v)) throw new UserError("A tag name cannot contain line breaks or control characters.", field);
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Endpoint

/**
 * Validates a per-merchant endpoint override against the egress policy's syntax (lib/net/egress):
 * https under ontraport.com or an operator-allowed host, or one of the operator's exact local origins.
 * The host is resolved and checked by `checkEndpoint` (at save) and again before every request.
 */
export function normalizeEndpoint(input: string, policy: Pick<EgressPolicy, "allowedHosts" | "allowedLocalOrigins"> = egressPolicy()): string | null {
  const v = input.trim();
  if (v === "") return null;
  if (v.length > 500) throw new UserError("The endpoint URL is at most 500 characters.", "endpointUrl");
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UserError("Enter a full URL such as https://api.ontraport.com/cdata.php, or leave it empty for the default.", "endpointUrl");
  }
  if (url.username || url.password) throw new UserError("The endpoint URL cannot contain a user name or password.", "endpointUrl");
  const r = checkUrl(v, policy);
  if (!r.ok) throw new UserError(url.protocol !== "https:" && url.protocol !== "http:" ? "The endpoint must be an https:// URL." : r.reason, "endpointUrl");
  return url.toString();
}

/** Resolves the endpoint's host and refuses it unless every address is public (or it is an allowed local origin). */
export async function checkEndpoint(endpoint: string, policy: EgressPolicy = egressPolicy()): Promise<void> {
  const r = await checkDestination(endpoint, policy);
  if (!r.ok) throw new UserError(r.unresolved ? "The endpoint's host name could not be found. Check the URL." : r.reason, "endpointUrl");
}

// ---------------------------------------------------------------------------------------------------
// Themes and sub-domains

export interface ThemeSubdomain {
  code: string;
  name: string;
  subdomain: string | null;
  pixelUrl: string | null;
}

export async function listThemeSubdomains(db: Db, { merchantId }: { merchantId: string }): Promise<ThemeSubdomain[]> {
  const rows = await db.select({ code: themes.code, name: themes.name, subdomain: themes.ontraportSubdomain }).from(themes).where(eq(themes.merchantId, merchantId)).orderBy(themes.code);
  return rows.map((r) => ({ ...r, pixelUrl: r.subdomain ? pixelUrlExample(r.subdomain) : null }));
}

// ---------------------------------------------------------------------------------------------------
// The one Save of the configuration card

export interface SaveConfigurationInput {
  merchantId: string;
  userId: string;
  method: "api" | "pixel";
  /** API method: REST (default) or XML; undefined leaves it alone. */
  protocol?: DeliveryProtocol;
  /** API method, REST: the App ID; undefined leaves it alone. */
  appId?: string;
  /** API method, REST: the tag every buyer gets ("" for none); undefined leaves it alone. */
  tagEveryBuyer?: string;
  /** API method: a new key, or empty to keep the stored one. */
  apiKey?: string;
  /** API method: endpoint override, empty for the default; undefined leaves it alone. */
  endpointUrl?: string;
  /** Pixel method: theme code → what was typed (bare host or pasted URL; empty clears). */
  subdomains?: Record<string, string>;
  /** Where requests may go (tests inject a resolver); defaults to the server's environment. */
  policy?: EgressPolicy;
}

/**
 * Saves the method and the chosen method's fields in one transaction. Every field is validated
 * first; any error is a UserError naming its field and nothing is written.
 */
export async function saveConfiguration(db: Db, input: SaveConfigurationInput): Promise<{ changes: string[]; noSubdomain: boolean }> {
  const { merchantId, userId, method } = input;
  const allowLocal = allowLocalOntraport();
  const newKey = method === "api" && input.apiKey && input.apiKey.trim() !== "" ? validateApiKey(input.apiKey) : null;
  const policy = input.policy ?? egressPolicy();
  const endpoint = method === "api" && input.endpointUrl !== undefined && input.protocol !== "rest" ? normalizeEndpoint(input.endpointUrl, policy) : undefined;
  const appId = method === "api" && input.protocol === "rest" && input.appId !== undefined ? validateAppId(input.appId) : undefined;
  const tagEveryBuyer = method === "api" && input.tagEveryBuyer !== undefined ? validateTagName(input.tagEveryBuyer, "tagEveryBuyer") : undefined;

  const subdomains = new Map<string, string | null>();
  if (method === "pixel") {
    const errors: Array<[string, string]> = [];
    for (const [code, typed] of Object.entries(input.subdomains ?? {})) {
      if (typed.trim() === "") {
        subdomains.set(code, null);
        continue;
      }
      const r = normalizeSubdomain(typed, { allowLocal });
      if (r.ok) subdomains.set(code, r.host);
      else errors.push([code, r.error]);
    }
    if (errors.length > 0) throw new UserError(errors[0]![1], `subdomain_${errors[0]![0]}`);
  }

  return db.transaction(async (tx) => {
    await ensureConfig(tx, merchantId);
    const [current] = await tx
      .select({
        method: ontraportConfigs.method,
        hasKey: sql<boolean>`${ontraportConfigs.apiKeyCiphertext} is not null`,
        endpointUrl: ontraportConfigs.endpointUrl,
        protocol: ontraportConfigs.protocol,
        appId: ontraportConfigs.appId,
        tagEveryBuyer: ontraportConfigs.tagEveryBuyer,
      })
      .from(ontraportConfigs)
      .where(eq(ontraportConfigs.merchantId, merchantId))
      .for("update");
    const changes: string[] = [];
    const now = new Date();
    let noSubdomain = false;

    const endpointChanges = endpoint !== undefined && endpoint !== current!.endpointUrl;
    // The key is only ever sent to the endpoint it was entered for: a new endpoint needs the key again
    // (otherwise anyone who may edit the endpoint could point it at their own server and collect it).
    if (endpointChanges && current!.hasKey && !newKey) {
      throw new UserError("Changing the endpoint forgets the stored API key: enter the ONTRAPORT API key again to use it with the new endpoint.", "apiKey");
    }
    if (endpointChanges && endpoint) await checkEndpoint(endpoint, policy);
    const protocolChanges = method === "api" && input.protocol !== undefined && input.protocol !== current!.protocol;
    // Likewise a key entered for one protocol goes only where that protocol sends it.
    if (protocolChanges && current!.hasKey && !newKey) {
      throw new UserError(
        `Switching to the ${input.protocol === "rest" ? "REST API" : "XML endpoint"} forgets the stored API key: enter the ONTRAPORT API key to use with it.`,
        "apiKey",
      );
    }
    if (method === "api" && (input.protocol ?? current!.protocol) === "rest" && appId === undefined && !current!.appId) validateAppId("");
    if (method === "api" && !newKey && !current!.hasKey) throw new UserError("Enter the ONTRAPORT API key. The API Integration needs one to send anything.", "apiKey");

    if (method === "pixel") {
      const rows = await tx.select({ id: themes.id, code: themes.code, subdomain: themes.ontraportSubdomain }).from(themes).where(eq(themes.merchantId, merchantId));
      const byCode = new Map(rows.map((r) => [r.code, r]));
      for (const code of subdomains.keys()) if (!byCode.has(code)) throw new UserError(`There is no theme ${code} in your store.`, `subdomain_${code}`, 404);
      const after = rows.map((r) => (subdomains.has(r.code) ? subdomains.get(r.code)! : r.subdomain));
      // Allowed (a merchant may pick the method first), but said out loud in the result.
      noSubdomain = after.every((s) => !s);
      for (const [code, host] of subdomains) {
        const row = byCode.get(code)!;
        if ((row.subdomain ?? null) === host) continue;
        await tx.update(themes).set({ ontraportSubdomain: host }).where(and(eq(themes.id, row.id), eq(themes.merchantId, merchantId)));
        await recordAudit(tx, { merchantId, userId, action: "ontraport.subdomain_changed", target: `Theme ${code}`, detail: { from: row.subdomain, to: host } });
        changes.push(`sub-domain of ${code}`);
      }
    }

    if (endpointChanges) {
      if (current!.hasKey) await clearApiKey(tx, { merchantId, userId, reason: "endpoint_changed" });
      await tx.update(ontraportConfigs).set({ endpointUrl: endpoint, updatedAt: now }).where(eq(ontraportConfigs.merchantId, merchantId));
      await recordAudit(tx, { merchantId, userId, action: "ontraport.endpoint_changed", target: "ONTRAPORT endpoint", detail: { from: current!.endpointUrl, to: endpoint } });
      changes.push("endpoint");
    }

    if (protocolChanges) {
      if (current!.hasKey) await clearApiKey(tx, { merchantId, userId, reason: "protocol_changed" });
      await tx.update(ontraportConfigs).set({ protocol: input.protocol, updatedAt: now }).where(eq(ontraportConfigs.merchantId, merchantId));
      await recordAudit(tx, { merchantId, userId, action: "ontraport.protocol_changed", target: "Delivery protocol", detail: { from: current!.protocol, to: input.protocol } });
      changes.push("protocol");
    }
    if (appId !== undefined && appId !== current!.appId) {
      await tx.update(ontraportConfigs).set({ appId, updatedAt: now }).where(eq(ontraportConfigs.merchantId, merchantId));
      await recordAudit(tx, { merchantId, userId, action: "ontraport.app_id_changed", target: "ONTRAPORT App ID", detail: { from: current!.appId, to: appId } });
      changes.push("App ID");
    }
    if (tagEveryBuyer !== undefined && tagEveryBuyer !== current!.tagEveryBuyer) {
      await tx.update(ontraportConfigs).set({ tagEveryBuyer, updatedAt: now }).where(eq(ontraportConfigs.merchantId, merchantId));
      await recordAudit(tx, { merchantId, userId, action: "ontraport.buyer_tag_changed", target: "Tag every buyer", detail: { from: current!.tagEveryBuyer, to: tagEveryBuyer } });
      changes.push("tag for every buyer");
    }

    if (current!.method !== method) {
      await changeMethod(tx, { merchantId, userId, from: current!.method, to: method });
      changes.push("integration method");
    }

    if (newKey) {
      await saveApiKey(tx, { merchantId, userId, key: newKey });
      changes.push("API key");
    }
    return { changes, noSubdomain };
  });
}

async function changeMethod(tx: Db, { merchantId, userId, from, to }: { merchantId: string; userId: string | null; from: IntegrationMethod; to: IntegrationMethod }) {
  const now = new Date();
  // Orders paid before the switch are not sent retroactively: the engine only sends what was paid after enabledAt.
  await tx
    .update(ontraportConfigs)
    .set({ method: to, enabledAt: to === "off" ? null : now, updatedAt: now })
    .where(eq(ontraportConfigs.merchantId, merchantId));
  // Turned off (or switched to the Pixel): what was queued is skipped at once, with the reason; turning
  // the API back on sends none of it (Resend does). Rows in flight finish and are recorded as answered.
  const skipped = from === "api" && to !== "api" ? await skipQueued(tx, merchantId, now) : 0;
  await recordAudit(tx, { merchantId, userId, action: "ontraport.method_changed", target: "Integration method", detail: { from, to, ...(skipped ? { skippedTransmissions: skipped } : {}) } });
}

// Rows a worker holds locked right now are left to the worker's sweep (skipOffIntegrations), which
// catches them within seconds; waiting for them here could deadlock with a claim.
async function skipQueued(tx: Db, merchantId: string, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`update transmissions set status = 'skipped', end_reason = 'integration_off', last_error = ${INTEGRATION_OFF_REASON}, updated_at = ${now.toISOString()}::timestamptz
      where id in (select id from transmissions where merchant_id = ${merchantId} and direction = 'outbound' and status in ('pending', 'held', 'paused') for update skip locked)
      returning id`),
  );
  return rows.length;
}

/** Sets the integration method alone (turning the integration off goes through here). */
export async function setMethod(db: Db, { merchantId, userId, method }: { merchantId: string; userId: string | null; method: IntegrationMethod }): Promise<boolean> {
  return db.transaction(async (tx) => {
    await ensureConfig(tx, merchantId);
    const [current] = await tx.select({ method: ontraportConfigs.method }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, merchantId)).for("update");
    if (current!.method === method) return false;
    await changeMethod(tx, { merchantId, userId, from: current!.method, to: method });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// Change history

export interface HistoryEntry {
  id: number;
  at: Date;
  who: string | null;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export async function listChangeHistory(db: Db, { merchantId, limit = 20 }: { merchantId: string; limit?: number }): Promise<HistoryEntry[]> {
  return db
    .select({ id: auditLog.id, at: auditLog.at, who: users.email, action: auditLog.action, target: auditLog.target, detail: auditLog.detail })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId))
    .where(and(eq(auditLog.merchantId, merchantId), like(auditLog.action, "ontraport.%")))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

/** One line in words for an audit entry (never a secret: entries hold fingerprints at most). */
export function describeChange(e: Pick<HistoryEntry, "action" | "target" | "detail">): string {
  const d = e.detail;
  const label = (m: unknown) => (m === "api" ? "API Integration" : m === "pixel" ? "Partner Tracking Pixel" : "Off");
  switch (e.action) {
    case "ontraport.method_changed":
      return `Integration method changed from ${label(d.from)} to ${label(d.to)}`;
    case "ontraport.key_set":
      return `New API key saved (fingerprint ${String(d.fingerprint)})`;
    case "ontraport.key_cleared":
      return d.reason === "endpoint_changed" ? "API key forgotten because the endpoint changed" : "API key removed";
    case "ontraport.endpoint_changed":
      return `Endpoint changed to ${d.to ? String(d.to) : "the default"}`;
    case "ontraport.subdomain_changed":
      return `${e.target}: ONTRAPORT Sub-domain ${d.to ? `set to ${String(d.to)}` : "cleared"}`;
    case "ontraport.mapping_changed":
      return `${e.target}: ONTRAPORT Product Name ${d.to ? `set to "${String(d.to)}"` : "cleared (sends the Item ID)"}`;
    case "ontraport.polling_key_regenerated":
      return d.first ? "Polling key generated" : "Polling key regenerated (the old one stopped working)";
    case "ontraport.connection_tested":
      return `Connection tested: ${String(d.result)}${d.code ? ` (HTTP ${String(d.code)})` : ""}`;
    default:
      return `${e.action} ${e.target}`;
  }
}
