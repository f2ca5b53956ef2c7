/**
 * Shared, dependency-free types of the ONTRAPORT simulator: what the control API (`/__sim/`)
 * accepts and answers. Imported by the server and by the typed client, so importing the client
 * never pulls the server code in.
 */

/** The four notification types of the wire contract. */
export const NOTIFICATION_TYPES = ["sale", "refund", "auto_order_status", "affiliate"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Every `reqType` the endpoint knows: the four notifications plus the harmless `key` read. */
export const REQ_TYPES = ["key", ...NOTIFICATION_TYPES] as const;
export type ReqType = (typeof REQ_TYPES)[number];

export function isNotificationType(value: string): value is NotificationType {
  return (NOTIFICATION_TYPES as readonly string[]).includes(value);
}

export function isReqType(value: string): value is ReqType {
  return (REQ_TYPES as readonly string[]).includes(value);
}

/** The six auto order statuses, exactly. */
export const AUTO_ORDER_STATUSES = [
  "active",
  "card declined",
  "cancelled upgrade",
  "cancelled downgrade",
  "cancelled",
  "terminated",
] as const;
export type AutoOrderStatus = (typeof AUTO_ORDER_STATUSES)[number];

export type KeyState = "valid" | "stale";

/**
 * What the simulator did with one request on the notification endpoint.
 * - `delivered`: 200 `<result><status>Success</status>...`
 * - `rejected`: 200 `<error>` (bad content, unknown reqType, bad XML)
 * - `unauthorized`: 401 (unknown or missing key)
 * - `stale_key`: 403
 * - `rate_limited`: 429
 * - `bad_request`: 400/405/413/415 (not a form post, body too large, ...)
 * - `fault`: an injected fault answered it (status, drop or malformed; a delay-only fault keeps
 *   the real outcome)
 */
export type Outcome =
  | "delivered"
  | "rejected"
  | "unauthorized"
  | "stale_key"
  | "rate_limited"
  | "bad_request"
  | "fault";

export interface ParsedPurchase {
  productName: string | undefined;
  itemId: string | undefined;
  /** Integer quantity, or `undefined` when the attribute is missing or not an integer. */
  quantity: number | undefined;
  /** Money values are kept as the exact strings received (e.g. `"19.95"`). */
  unitPrice: string | undefined;
  discount: string | undefined;
  total: string | undefined;
  /** auto order purchases only */
  frequency: string | undefined;
}

export interface ParsedContact {
  /** Every `<field name="...">value</field>` of the Contact Information group. */
  fields: Record<string, string>;
  email: string | undefined;
  /** From the Affiliate group, when present. */
  affiliateId: string | undefined;
  /** `"True"` or `"False"` as received (anything else is rejected by validation). */
  affiliateApproved: string | undefined;
}

/**
 * The useful fields of a notification, extracted leniently (also for notifications that were
 * rejected, as long as the XML was well-formed). Fields that do not apply to a type are absent.
 */
export interface ParsedNotification {
  type: string | undefined;
  version: string | undefined;
  notificationId: string | undefined;
  created: string | undefined;
  merchantId: string | undefined;
  /** sale/refund: `<order id>`; auto_order_status: `original_order_id`. */
  orderId?: string | undefined;
  orderDate?: string | undefined;
  currency?: string | undefined;
  stage?: string | undefined;
  paymentMethod?: string | undefined;
  theme?: string | undefined;
  contact?: ParsedContact | undefined;
  /** Shortcut for `contact.email`. */
  email?: string | undefined;
  purchases?: ParsedPurchase[] | undefined;
  subtotal?: string | undefined;
  discount?: string | undefined;
  tax?: string | undefined;
  total?: string | undefined;
  refundId?: string | undefined;
  refundDate?: string | undefined;
  /** `"true"` / `"false"` as received. */
  refundFull?: string | undefined;
  refundReason?: string | undefined;
  /** refund `<adjustment>` (a price adjustment, which has no purchase lines) */
  adjustment?: string | undefined;
  /** refund `<amount>` */
  amount?: string | undefined;
  autoOrderCode?: string | undefined;
  status?: string | undefined;
  previousStatus?: string | undefined;
  date?: string | undefined;
  nextAttempt?: string | undefined;
  affiliateId?: string | undefined;
  /** `"True"` / `"False"` as received. */
  affiliateApproved?: string | undefined;
}

export interface NotificationRecord {
  /** 1-based sequence number over the simulator's life since the last reset. */
  seq: number;
  /** ISO 8601 UTC time of receipt (from the simulator's clock). */
  receivedAt: string;
  /** The `reqType` form field as received (may be an unknown value or `""`). */
  reqType: string;
  /** First 12 hex digits of sha256(key); `null` when no key was sent. The key itself is never kept. */
  keyFingerprint: string | null;
  /** `X-Transmission-Id` header, `null` when absent. */
  transmissionId: string | null;
  /** The `data` form field (the XML) exactly as received after form decoding. */
  data: string;
  /** Useful fields, `null` when the XML was not well-formed. */
  parsed: ParsedNotification | null;
  outcome: Outcome;
  /** HTTP status answered; 0 when the connection was dropped by a fault. */
  httpStatus: number;
  /** The `<error>` message answered, when there was one. */
  error: string | null;
  /** The `<id>` answered on success. */
  resultId: string | null;
  /** Delivered, and its transmission id had already been delivered before. */
  duplicate: boolean;
  /**
   * Delivered under a new transmission id, but repeating a business fact already delivered under
   * another one (same sale order id, same refund id, identical auto_order_status/affiliate data).
   */
  duplicateFact: boolean;
  /** Request path (`/`, `/cdata.php` or `/pdata.php`). */
  path: string;
}

export interface NotificationFilter {
  reqType?: string;
  /** Matches `parsed.orderId` (for auto orders, the original order id). */
  orderId?: string;
  transmissionId?: string;
  outcome?: Outcome;
  /** `true`: only delivered ones (answered Success); `false`: only the others. */
  accepted?: boolean;
  /** Only the newest N matching records (still oldest first). */
  limit?: number;
}

export interface PixelRecord {
  seq: number;
  receivedAt: string;
  /** Query parameters; a repeated parameter keeps its last value. */
  query: Record<string, string>;
  /** The raw query string without the leading `?`. */
  rawQuery: string;
}

export interface PixelFilter {
  orderId?: string;
}

export interface SimStats {
  /** Requests on the notification endpoint other than `reqType=key`, whatever their outcome. */
  received: number;
  /** Answered `<result><status>Success</status>`. */
  delivered: number;
  /** Answered 2xx with `<error>` (bad content or unknown reqType). */
  rejected: number;
  /** Answered 429. */
  rateLimited: number;
  /** Answered 401 or 403. */
  unauthorized: number;
  /** Answered 400/405/413/415. */
  badRequests: number;
  /** Answered by an injected status/drop/malformed fault. */
  faulted: number;
  /** Delivered notifications whose X-Transmission-Id had already been delivered. */
  duplicates: number;
  /**
   * Delivered notifications, not counted in `duplicates`, that repeat a business fact already
   * delivered under a different X-Transmission-Id (or without one): same sale order id, same
   * refund id, identical `data` for auto_order_status and affiliate.
   */
  duplicateFacts: number;
  /** `reqType=key` requests (Test connection), whatever their outcome. */
  keyReads: number;
  /** Pixel hits on `GET /p`. */
  pixels: number;
}

export interface FaultSpec {
  /** How many matching requests get this answer (positive integer). */
  count: number;
  /** Answer this HTTP status with an `<error>` body instead of processing. */
  status?: number;
  /** Wait this long before answering (combinable with the others; alone, the request is processed normally and only the answer is delayed). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** Answer 200 with a body that is not valid XML. */
  malformed?: boolean;
  /**
   * Which reqTypes consume this fault; default the four notification types (not `key`), and then
   * REST calls too. `"rest"` names REST calls.
   */
  reqTypes?: string[];
}

export interface PendingFault extends Required<Pick<FaultSpec, "count" | "reqTypes">> {
  status?: number;
  delayMs?: number;
  drop?: boolean;
  malformed?: boolean;
}

export interface SimConfig {
  /** Requests admitted per key per window. */
  rateLimit: number;
  /** Window length in milliseconds (60,000 unless changed for tests). */
  windowMs: number;
}

export interface KeyInfo {
  fingerprint: string;
  state: KeyState;
}

/** Answer latency: each answer waits `baseMs` ± uniform `jitterMs` (never negative); `hang` never answers. */
export interface LatencySetting {
  baseMs: number;
  jitterMs: number;
  hang: boolean;
}

/** Body of `POST /__sim/latency`: the global setting, or one key's (XML `key` field or REST App ID). */
export interface LatencySpec {
  baseMs?: number;
  jitterMs?: number;
  hang?: boolean;
  key?: string;
}

/** `GET /__sim/latency`: per-key settings by key fingerprint (never the key). */
export interface LatencyInfo {
  global: LatencySetting;
  keys: (LatencySetting & { fingerprint: string })[];
}
