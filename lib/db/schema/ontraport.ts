import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { merchants, users } from "./core";

export const integrationMethod = pgEnum("ontraport_method", ["off", "api", "pixel"]);
export const keyStatus = pgEnum("ontraport_key_status", ["untested", "valid", "stale"]);
/** How the API method delivers: ONTRAPORT's REST API v1 (App ID + key) or the XML notification endpoint. */
export const ONTRAPORT_PROTOCOLS = ["rest", "xml"] as const;
export type OntraportProtocol = (typeof ONTRAPORT_PROTOCOLS)[number];
export const ontraportProtocol = pgEnum("ontraport_protocol", ONTRAPORT_PROTOCOLS);

/** One row per merchant that has opened the ONTRAPORT page. */
export const ontraportConfigs = pgTable("ontraport_configs", {
  merchantId: text()
    .primaryKey()
    .references(() => merchants.id),
  method: integrationMethod().notNull().default("off"),
  /** API method only: REST (default, recommended) or the XML notification endpoint. */
  protocol: ontraportProtocol().notNull().default("rest"),
  /** ONTRAPORT App ID (REST): shown, not a secret; sent as `Api-Appid`. */
  appId: text(),
  /** REST: a tag every buyer gets, besides the tags of the items bought (blank: none). */
  tagEveryBuyer: text().notNull().default(""),
  /** AES-256-GCM ciphertext of the API key (lib/ontraport/crypto). Never sent to the browser. */
  apiKeyCiphertext: text(),
  /** Last four characters, for the masked hint `••••3f9a`. */
  apiKeyHint: text(),
  /** sha256 of the key, first 12 hex: lets support compare keys without seeing them. */
  apiKeyFingerprint: text(),
  apiKeySetAt: timestamp({ withTimezone: true }),
  apiKeySetBy: uuid().references(() => users.id),
  keyStatus: keyStatus().notNull().default("untested"),
  keyStatusAt: timestamp({ withTimezone: true }),
  keyStatusCode: integer(),
  /** Per-merchant override of ONTRAPORT_ENDPOINT. */
  endpointUrl: text(),
  /** Item poll key: sha256 for lookup, ciphertext to show it to admins. */
  pollingKeyHash: text(),
  pollingKeyCiphertext: text(),
  rateLimitPerMinute: integer().notNull().default(180),
  /** Deliveries are paused (stale key) since this time; cleared when a new key is saved. */
  pausedAt: timestamp({ withTimezone: true }),
  pausedReason: text(),
  /** When the current method was switched on; earlier paid orders are not sent retroactively. */
  enabledAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const TRANSMISSION_TYPES = ["sale", "refund", "auto_order_status", "affiliate", "fetch_items", "conversion_pixel"] as const;
export type TransmissionType = (typeof TRANSMISSION_TYPES)[number];
export const transmissionType = pgEnum("transmission_type", TRANSMISSION_TYPES);
export const transmissionDirection = pgEnum("transmission_direction", ["outbound", "inbound"]);
/** `held`: a Refund or Auto Order Status waiting for its order's Sale to be delivered (never claimed until then). */
export const TRANSMISSION_STATUSES = ["pending", "sending", "delivered", "failed", "paused", "skipped", "held"] as const;
export type TransmissionStatus = (typeof TRANSMISSION_STATUSES)[number];
export const transmissionStatus = pgEnum("transmission_status", TRANSMISSION_STATUSES);
export const transmissionTrigger = pgEnum("transmission_trigger", ["automatic", "manual"]);

/** The log is the queue: each row is both a Transmission Log entry and a delivery job. */
export const transmissions = pgTable(
  "transmissions",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Creation order: FIFO claims and per-order ordering (uuids are random, created_at ties within a transaction). */
    seq: bigserial({ mode: "number" }).notNull(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    type: transmissionType().notNull(),
    direction: transmissionDirection().notNull().default("outbound"),
    /** For sales and refunds the order; for auto order status changes the auto order's original order (ordering key). */
    orderId: text(),
    refundId: uuid(),
    autoOrderId: uuid(),
    affiliateId: integer(),
    /** In words: `Sale DEMO-0000042, 2 items, $43.09`. */
    description: text().notNull(),
    /** Contact e-mail, for search. */
    email: text(),
    /** The XML sent (key never included) or the pixel URL. */
    payload: text().notNull(),
    status: transmissionStatus().notNull().default("pending"),
    /** Every attempt made, 429s included. */
    attempts: integer().notNull().default(0),
    /** Transient failures so far: the position in the retry schedule (429s and stale keys do not count). */
    retryStep: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp({ withTimezone: true }),
    lockedBy: text(),
    /** `sale:<orderId>`; one automatic transmission per key and merchant. */
    idempotencyKey: text().notNull(),
    trigger: transmissionTrigger().notNull().default("automatic"),
    triggeredBy: uuid().references(() => users.id),
    resendOf: uuid(),
    lastStatusCode: integer(),
    /** Why it is failed, skipped, paused or held, in words the merchant reads in the log. */
    lastError: text(),
    /** Why it ended (or waits), as a code: see lib/ontraport/engine/outcome.ts `EndReason`. */
    endReason: text(),
    /** The last attempt's outcome is unknown (timeout after the request was written, connection lost, worker died): reconcile before sending again. */
    outcomeUnknown: boolean().notNull().default(false),
    /** Leases taken over after a worker stopped mid-send; the third ends it as failed. */
    takeovers: integer().notNull().default(0),
    /** 429 answers so far. */
    rateLimited: integer().notNull().default(0),
    /** Start of an unbroken run of 429s; 24 hours of it ends the transmission as failed. */
    throttledSince: timestamp({ withTimezone: true }),
    lastResponseBody: text(),
    /** The facts the transmission reports (JSON of the pure snapshot), for protocols built at send time (REST). */
    snapshot: jsonb().$type<Record<string, unknown>>(),
    /** REST: ids learned by earlier attempts (contact, products, invoice…), so a retry resumes at the call that failed. */
    restState: jsonb().$type<Record<string, unknown>>(),
    /** The protocol of the last attempt (null before the first). */
    protocol: ontraportProtocol(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("transmissions_idem_uq").on(t.merchantId, t.idempotencyKey),
    // Partial indexes keep claims fast however many delivered rows pile up (without them the planner walks past every delivered row).
    index("transmissions_due_idx").on(t.merchantId, t.nextAttemptAt, t.seq).where(sql`${t.status} = 'pending'`),
    index("transmissions_lease_idx").on(t.leaseUntil).where(sql`${t.status} = 'sending'`),
    // At most one request in flight per store: the claim looks for a store's 'sending' row here.
    index("transmissions_sending_idx").on(t.merchantId).where(sql`${t.status} = 'sending'`),
    index("transmissions_open_order_idx").on(t.merchantId, t.orderId, t.seq).where(sql`${t.status} in ('pending', 'sending', 'paused')`),
    index("transmissions_log_idx").on(t.merchantId, t.createdAt.desc(), t.id.desc()),
    index("transmissions_order_idx").on(t.merchantId, t.orderId),
    // Transmission Log: status filter pages and the health/banner counts of waiting rows stay index-only at 1,000,000 rows.
    index("transmissions_log_status_idx").on(t.merchantId, t.status, t.createdAt.desc(), t.id.desc()),
    // Transmission Log: search by contact e-mail.
    index("transmissions_email_idx").on(t.merchantId, sql`lower(${t.email})`),
  ],
);

export const transmissionAttempts = pgTable(
  "transmission_attempts",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    transmissionId: uuid()
      .notNull()
      .references(() => transmissions.id),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    attemptNo: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    durationMs: integer().notNull(),
    statusCode: integer(),
    /** The request as sent, key redacted. */
    requestPayload: text().notNull(),
    /** First 8 KiB of ONTRAPORT's answer. */
    responseBody: text(),
    error: text(),
    /** delivered, rejected, bad_request, stale_key, rate_limited, transient, unknown (see lib/ontraport/engine/outcome.ts). */
    outcome: text(),
    /** REST: each call of the attempt in order (method, path, request JSON, status, response, duration); null for XML. */
    steps: jsonb().$type<Array<Record<string, unknown>>>(),
  },
  (t) => [index("attempts_transmission_idx").on(t.transmissionId, t.attemptNo)],
);

/**
 * Per-merchant token bucket, shared by every worker process (the row is locked while slots are taken).
 * It refills slightly below the account's per-minute limit with a small burst, so no rolling minute
 * ever holds more than the limit (ONTRAPORT counts a rolling window).
 */
export const ontraportRateWindows = pgTable("ontraport_rate_windows", {
  merchantId: text()
    .primaryKey()
    .references(() => merchants.id),
  tokens: doublePrecision().notNull().default(0),
  refilledAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** ONTRAPORT said 429: nothing is sent for this merchant before this time. */
  blockedUntil: timestamp({ withTimezone: true }),
  /** Tokens the latest claim took: the claim statement reads it back (RETURNING gives new values only). */
  granted: integer().notNull().default(0),
  /**
   * When a claim last served the store, as a count that only grows (ontraport_serve_seq): stores take
   * turns by it, least recently served first. A timestamp cannot tell apart stores served by one claim,
   * or by two claims within the same millisecond.
   */
  servedSeq: bigint({ mode: "bigint" }),
});

/** Numbers the claims (see ontraportRateWindows.servedSeq). */
export const ontraportServeSeq = pgSequence("ontraport_serve_seq");

export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text().primaryKey(),
  pid: integer().notNull(),
  /** `embedded` (inside the web server) or `standalone` (`npm run worker`). */
  kind: text().notNull().default("standalone"),
  /** Transmissions this worker has finished (any outcome) since it started. */
  delivered: integer().notNull().default(0),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  beatAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});


/**
 * REST: ONTRAPORT ids of products and taxes by name, per merchant, so a Sale in steady state looks
 * nothing up. An answer saying an id is gone, or a mapping change, drops the entry.
 */
export const ontraportObjectIds = pgTable(
  "ontraport_object_ids",
  {
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    /** `product` or `tax`. */
    kind: text().notNull(),
    name: text().notNull(),
    ontraportId: text().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.kind, t.name] })],
);

/** REST: what ONTRAPORT calls an order: the contact and the transaction (`invoice_id`) its Sale logged. Refunds need the invoice id. */
export const ontraportOrderLinks = pgTable(
  "ontraport_order_links",
  {
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    orderId: text().notNull(),
    contactId: text(),
    invoiceId: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.orderId] })],
);
