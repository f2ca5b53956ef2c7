import "server-only";
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/client";
import { ontraportConfigs, ontraportOrderLinks, orders, transmissionAttempts, transmissions, users, type TransmissionStatus, type TransmissionType } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { LOG_STATUS_GROUPS, type LogStatus } from "./words";

export const LOG_PAGE_SIZE = 25;

export interface LogFilter {
  type?: TransmissionType;
  status?: LogStatus;
  /** Inclusive lower bound of the creation time. */
  from?: Date;
  /** Exclusive upper bound of the creation time. */
  to?: Date;
  /** An order id (or just its number), a contact e-mail, or a transmission id. */
  q?: string;
}

export interface LogPageInput extends LogFilter {
  merchantId: string;
  /** Opaque keyset cursor from a previous page (`olderCursor` / `newerCursor`). */
  cursor?: string;
  direction?: "older" | "newer";
  limit?: number;
  /** Cursor of the newest row the user has seen: the answer says how many rows are newer than it. */
  seenNewest?: string;
}

/** What a transmission's row and the log's answer say alike (the times differ: Date there, ISO text here). */
interface TransmissionFacts {
  id: string;
  type: TransmissionType;
  direction: "outbound" | "inbound";
  status: TransmissionStatus;
  description: string;
  orderId: string | null;
  email: string | null;
  lastStatusCode: number | null;
  attempts: number;
  trigger: "automatic" | "manual";
  /** Why it failed, is paused, held or skipped, in words (the log shows it under the status). */
  lastError: string | null;
  /** A person may resend it from the log: outbound, a Sale, Refund, Auto Order Status or Affiliate, with a request. */
  resendable: boolean;
}

export interface LogRow extends TransmissionFacts {
  createdAt: string;
  nextAttemptAt: string;
  deliveredAt: string | null;
  cursor: string;
}

export interface LogPage {
  rows: LogRow[];
  /** Pass with direction "older" for the next page down; null on the last page. */
  olderCursor: string | null;
  /** Pass with direction "newer" for the page above; null on the first page. */
  newerCursor: string | null;
  /** Rows newer than `seenNewest` (capped at NEW_COUNT_CAP), when it was given. */
  newCount: number | null;
}

export const NEW_COUNT_CAP = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/*
 * The cursor carries created_at as PostgreSQL's own microsecond text: a JS Date keeps milliseconds
 * only, and rows created within the same millisecond would be skipped or shown twice.
 */
const createdAtText = sql<string>`to_char(${transmissions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/*
 * drizzle's `.desc()` indexes are `DESC NULLS LAST`, while SQL's plain `ORDER BY x DESC` means NULLS
 * FIRST: the planner then ignores the index and sorts the whole merchant's log. Order exactly as
 * the index does (and its mirror image for "newer").
 */
const NEWEST_FIRST = [sql`${transmissions.createdAt} desc nulls last`, sql`${transmissions.id} desc nulls last`];
const OLDEST_FIRST = [sql`${transmissions.createdAt} asc nulls first`, sql`${transmissions.id} asc nulls first`];

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const [createdAt, id, extra] = text.split("|");
  if (extra !== undefined || !createdAt || !id || !UUID.test(id)) return null;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt)) return null;
  return { createdAt, id };
}

/** Where the search text points: a transmission id, an e-mail, or an order id (`42` means `DEMO-0000042`). */
export function searchCondition(merchantId: string, q: string): SQL {
  const text = q.trim();
  if (UUID.test(text)) return eq(transmissions.id, text.toLowerCase());
  if (text.includes("@")) return eq(sql`lower(${transmissions.email})`, text.toLowerCase());
  if (/^\d{1,7}$/.test(text)) return eq(transmissions.orderId, `${merchantId}-${text.padStart(7, "0")}`);
  return eq(transmissions.orderId, text.toUpperCase());
}

function filterConditions(merchantId: string, f: LogFilter): SQL[] {
  const where: SQL[] = [eq(transmissions.merchantId, merchantId)];
  if (f.type) where.push(eq(transmissions.type, f.type));
  if (f.status) {
    const statuses = LOG_STATUS_GROUPS[f.status];
    where.push(statuses.length === 1 ? eq(transmissions.status, statuses[0]!) : inArray(transmissions.status, [...statuses]));
  }
  if (f.from) where.push(sql`${transmissions.createdAt} >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`${transmissions.createdAt} < ${f.to.toISOString()}::timestamptz`);
  if (f.q && f.q.trim()) where.push(searchCondition(merchantId, f.q));
  return where;
}

/** SQL: the row can be resent by hand (lib/ontraport/engine/outbox.ts `resendTransmission` says why not). */
const resendableSql = sql<boolean>`(${transmissions.direction} = 'outbound' and ${transmissions.type} in ('sale', 'refund', 'auto_order_status', 'affiliate') and ${transmissions.payload} <> '')`;

const rowColumns = {
  id: transmissions.id,
  type: transmissions.type,
  direction: transmissions.direction,
  status: transmissions.status,
  description: transmissions.description,
  orderId: transmissions.orderId,
  email: transmissions.email,
  lastStatusCode: transmissions.lastStatusCode,
  attempts: transmissions.attempts,
  trigger: transmissions.trigger,
  lastError: transmissions.lastError,
  resendable: resendableSql,
  createdAt: transmissions.createdAt,
  nextAttemptAt: transmissions.nextAttemptAt,
  deliveredAt: transmissions.deliveredAt,
  createdAtText,
};

interface RawRow extends TransmissionFacts {
  createdAt: Date;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAtText: string;
}

/** The fields a log row and a transmission's detail share, as JSON-safe values. */
function commonFields(r: Omit<RawRow, "createdAtText">) {
  return {
    id: r.id,
    type: r.type,
    direction: r.direction,
    status: r.status,
    description: r.description,
    orderId: r.orderId,
    email: r.email,
    lastStatusCode: r.lastStatusCode,
    attempts: r.attempts,
    trigger: r.trigger,
    lastError: r.lastError,
    resendable: Boolean(r.resendable),
    createdAt: r.createdAt.toISOString(),
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    deliveredAt: r.deliveredAt ? r.deliveredAt.toISOString() : null,
  };
}

function toLogRow(r: RawRow): LogRow {
  return { ...commonFields(r), cursor: encodeCursor(r.createdAtText, r.id) };
}

/** The page query itself (exported so the benchmark can EXPLAIN exactly what the log runs). */
export function logPageQuery(db: Db, input: LogPageInput) {
  const limit = Math.min(Math.max(input.limit ?? LOG_PAGE_SIZE, 1), 100);
  const where = filterConditions(input.merchantId, input);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  const newer = cursor !== null && input.direction === "newer";
  if (cursor) {
    const c = sql`(${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
    where.push(newer ? sql`(${transmissions.createdAt}, ${transmissions.id}) > ${c}` : sql`(${transmissions.createdAt}, ${transmissions.id}) < ${c}`);
  }
  const query = db
    .select(rowColumns)
    .from(transmissions)
    .where(and(...where))
    .orderBy(...(newer ? OLDEST_FIRST : NEWEST_FIRST))
    .limit(limit + 1);
  return { query, limit, cursor, newer };
}

/**
 * One page of the Transmission Log, newest first, by keyset on (created_at, id): the cost of a page
 * does not grow with its depth, unlike OFFSET. An unreadable cursor is treated as "from the top".
 */
export async function listTransmissions(db: Db, input: LogPageInput): Promise<LogPage> {
  const { query, limit, cursor, newer } = logPageQuery(db, input);
  const fetched = (await query) as RawRow[];
  const more = fetched.length > limit;
  const page = fetched.slice(0, limit);
  if (newer) page.reverse();
  const rows = page.map(toLogRow);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasOlder = newer ? cursor !== null : more;
  const hasNewer = newer ? more : cursor !== null;
  let newCount: number | null = null;
  if (input.seenNewest) newCount = await countNewer(db, input.merchantId, input, input.seenNewest);
  return {
    rows,
    olderCursor: hasOlder && last ? last.cursor : null,
    newerCursor: hasNewer && first ? first.cursor : null,
    newCount,
  };
}

async function countNewer(db: Db, merchantId: string, f: LogFilter, seen: string): Promise<number | null> {
  const c = decodeCursor(seen);
  if (!c) return null;
  const where = filterConditions(merchantId, f);
  where.push(sql`(${transmissions.createdAt}, ${transmissions.id}) > (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  // Capped so a burst of thousands of new rows costs no more than a page.
  const inner = db.select({ one: sql`1` }).from(transmissions).where(and(...where)).limit(NEW_COUNT_CAP);
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inner.as("newer"));
  return row?.n ?? 0;
}

/** One call of a REST attempt, as kept with it (never the key: it travels as a header). */
export interface RestCallView {
  method: string;
  path: string;
  query: Record<string, unknown> | null;
  request: Record<string, unknown> | null;
  status: number | null;
  response: string;
  durationMs: number;
  error: string | null;
}

export interface AttemptView {
  attemptNo: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  requestPayload: string;
  responseBody: string | null;
  error: string | null;
  /** REST: the attempt's calls in order; null for XML. */
  calls: RestCallView[] | null;
}

function callsOf(steps: unknown): RestCallView[] | null {
  if (!Array.isArray(steps)) return null;
  return steps
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
    .map((s) => ({
      method: String(s.method ?? ""),
      path: String(s.path ?? ""),
      query: typeof s.query === "object" && s.query !== null ? (s.query as Record<string, unknown>) : null,
      request: typeof s.request === "object" && s.request !== null ? (s.request as Record<string, unknown>) : null,
      status: typeof s.status === "number" ? s.status : null,
      response: typeof s.response === "string" ? s.response : "",
      durationMs: typeof s.durationMs === "number" ? s.durationMs : 0,
      error: typeof s.error === "string" ? s.error : null,
    }));
}

export interface TransmissionDetail extends Omit<LogRow, "cursor"> {
  payload: string;
  lastResponseBody: string | null;
  /** A held row: the order's latest Sale transmission, which it waits for. */
  waitingForSaleId: string | null;
  resendOf: string | null;
  triggeredByEmail: string | null;
  updatedAt: string;
  attemptsList: AttemptView[];
  order: { id: string; themeCode: string; email: string; totalCents: number; currency: string } | null;
  /** How the last attempt went out (null before the first). */
  protocol: "rest" | "xml" | null;
  /** REST: the ONTRAPORT transaction (invoice) the order's Sale logged, when known. */
  invoiceId: string | null;
}

/** One transmission with every attempt; another merchant's id is "not found". */
export async function getTransmission(db: Db, { merchantId, id }: { merchantId: string; id: string }): Promise<TransmissionDetail> {
  if (!UUID.test(id)) throw new NotFoundError("No such transmission in your store.");
  const [t] = await db
    .select({
      t: transmissions,
      triggeredByEmail: users.email,
    })
    .from(transmissions)
    .leftJoin(users, eq(users.id, transmissions.triggeredBy))
    .where(and(eq(transmissions.id, id), eq(transmissions.merchantId, merchantId)));
  if (!t) throw new NotFoundError("No such transmission in your store.");
  const attempts = await db
    .select()
    .from(transmissionAttempts)
    .where(and(eq(transmissionAttempts.transmissionId, id), eq(transmissionAttempts.merchantId, merchantId)))
    .orderBy(asc(transmissionAttempts.attemptNo), asc(transmissionAttempts.id));
  const [order] = t.t.orderId
    ? await db
        .select({ id: orders.id, themeCode: orders.themeCode, email: orders.email, totalCents: orders.totalCents, currency: orders.currency })
        .from(orders)
        .where(and(eq(orders.id, t.t.orderId), eq(orders.merchantId, merchantId)))
    : [];
  const r = t.t;
  const [link] = r.orderId
    ? await db
        .select({ invoiceId: ontraportOrderLinks.invoiceId })
        .from(ontraportOrderLinks)
        .where(and(eq(ontraportOrderLinks.merchantId, merchantId), eq(ontraportOrderLinks.orderId, r.orderId)))
    : [];
  const [sale] =
    r.status === "held" && r.orderId
      ? await db
          .select({ id: transmissions.id })
          .from(transmissions)
          .where(and(eq(transmissions.merchantId, merchantId), eq(transmissions.orderId, r.orderId), eq(transmissions.type, "sale")))
          .orderBy(sql`${transmissions.seq} desc`)
          .limit(1)
      : [];
  const resendable = r.direction === "outbound" && ["sale", "refund", "auto_order_status", "affiliate"].includes(r.type) && r.payload !== "";
  return {
    ...commonFields({ ...r, resendable }),
    updatedAt: r.updatedAt.toISOString(),
    payload: r.payload,
    waitingForSaleId: sale?.id ?? null,
    lastResponseBody: r.lastResponseBody,
    resendOf: r.resendOf,
    triggeredByEmail: t.triggeredByEmail,
    attemptsList: attempts.map((a) => ({
      attemptNo: a.attemptNo,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      requestPayload: a.requestPayload,
      responseBody: a.responseBody,
      error: a.error,
      calls: callsOf(a.steps),
    })),
    order: order ?? null,
    protocol: r.protocol,
    invoiceId: link?.invoiceId ?? null,
  };
}

/** An order's transmissions, newest first (Review Order). */
export async function listOrderTransmissions(db: Db, { merchantId, orderId }: { merchantId: string; orderId: string }): Promise<LogRow[]> {
  const rows = (await db
    .select(rowColumns)
    .from(transmissions)
    .where(and(eq(transmissions.merchantId, merchantId), eq(transmissions.orderId, orderId)))
    .orderBy(...NEWEST_FIRST)
    .limit(100)) as RawRow[];
  return rows.map(toLogRow);
}

export type HealthRange = "24h" | "7d";

export const HEALTH_RANGES = ["24h", "7d"] as const satisfies readonly HealthRange[];

export interface HealthBucket {
  /** Start of the hour, ISO. */
  start: string;
  delivered: number;
  failed: number;
  waiting: number;
  paused: number;
  skipped: number;
}

export interface LogHealth {
  /** Created in the range's window (`since` up to now) and now delivered / failed: the chart's bars added up. */
  delivered: number;
  failed: number;
  /** Waiting now (pending, being sent or held), whatever their age. */
  waiting: number;
  /** Held back now because the key is stale. */
  paused: number;
  lastSuccessAt: string | null;
  range: HealthRange;
  /** Start of the window, ISO: the first bucket's hour (23 or 167 whole hours before the current one). */
  since: string;
  buckets: HealthBucket[];
}

const HOUR = 3_600_000;

/**
 * The hours a range covers: the current hour and the 23 (or 167) before it. The figures, the chart and
 * Home's "failed, last 7 days" all count from the same start, so they always agree.
 */
export function healthWindow(range: HealthRange, now: Date): { since: Date; hours: number } {
  const hours = range === "7d" ? 168 : 24;
  const endHour = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  return { since: new Date(endHour - hours * HOUR), hours };
}

/** Health at a glance for a range: its delivered and failed figures, what waits now, and per-hour counts by status. */
export async function getLogHealth(db: Db, { merchantId, range = "24h", now = new Date() }: { merchantId: string; range?: HealthRange; now?: Date }): Promise<LogHealth> {
  const { since, hours } = healthWindow(range, now);

  const perHour = rowsOf<{ hour: string; status: TransmissionStatus; n: number }>(
    await db.execute(sql`
      select to_char(date_trunc('hour', ${transmissions.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"') as hour,
             ${transmissions.status} as status, count(*)::int as n
        from ${transmissions}
       where ${transmissions.merchantId} = ${merchantId} and ${transmissions.createdAt} >= ${since.toISOString()}::timestamptz
       group by 1, 2`),
  );
  const open = rowsOf<{ status: TransmissionStatus; n: number }>(
    await db.execute(sql`
      select ${transmissions.status} as status, count(*)::int as n
        from ${transmissions}
       where ${transmissions.merchantId} = ${merchantId} and ${transmissions.status} in ('pending', 'sending', 'paused', 'held')
       group by 1`),
  );
  const [last] = await db
    .select({ at: transmissions.deliveredAt })
    .from(transmissions)
    .where(and(eq(transmissions.merchantId, merchantId), eq(transmissions.status, "delivered")))
    .orderBy(...NEWEST_FIRST)
    .limit(1);

  const buckets: HealthBucket[] = [];
  const byStart = new Map<string, HealthBucket>();
  for (let i = 0; i < hours; i++) {
    const b: HealthBucket = { start: new Date(since.getTime() + i * HOUR).toISOString().replace(".000Z", "Z"), delivered: 0, failed: 0, waiting: 0, paused: 0, skipped: 0 };
    buckets.push(b);
    byStart.set(b.start, b);
  }
  for (const r of perHour) {
    const b = byStart.get(r.hour);
    if (!b) continue;
    const n = Number(r.n);
    if (r.status === "delivered") b.delivered += n;
    else if (r.status === "failed") b.failed += n;
    else if (r.status === "paused") b.paused += n;
    else if (r.status === "skipped") b.skipped += n;
    else b.waiting += n;
  }
  const count = (rows: { status: TransmissionStatus; n: number }[], ...s: TransmissionStatus[]) => rows.filter((r) => s.includes(r.status)).reduce((a, r) => a + Number(r.n), 0);
  return {
    delivered: buckets.reduce((a, b) => a + b.delivered, 0),
    failed: buckets.reduce((a, b) => a + b.failed, 0),
    waiting: count(open, "pending", "sending", "held"),
    paused: count(open, "paused"),
    lastSuccessAt: last?.at ? last.at.toISOString() : null,
    range,
    since: since.toISOString().replace(".000Z", "Z"),
    buckets,
  };
}

/** How many failed transmissions `Resend failed` would re-queue for this time range (outbound only: item fetches are not resent). */
export async function countFailed(db: Db, { merchantId, from, to }: { merchantId: string; from: Date; to: Date }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(transmissions)
    .where(and(...filterConditions(merchantId, { status: "failed", from, to }), eq(transmissions.direction, "outbound")));
  return Number(row?.n ?? 0);
}

export interface KeyState {
  method: "off" | "api" | "pixel";
  stale: boolean;
  keyFingerprint: string | null;
  /** Pending, sending and paused transmissions: what goes out once the key works again. */
  waiting: number;
  protocol: "rest" | "xml";
  /** REST: the App ID (not a secret). */
  appId: string | null;
}

/** The stale-key banner's facts (and the resend item's: the method). */
export async function getKeyState(db: Db, { merchantId }: { merchantId: string }): Promise<KeyState> {
  const [cfg] = await db
    .select({ method: ontraportConfigs.method, keyStatus: ontraportConfigs.keyStatus, fp: ontraportConfigs.apiKeyFingerprint, protocol: ontraportConfigs.protocol, appId: ontraportConfigs.appId })
    .from(ontraportConfigs)
    .where(eq(ontraportConfigs.merchantId, merchantId));
  const stale = cfg?.keyStatus === "stale";
  let waiting = 0;
  if (stale) {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(transmissions)
      .where(and(eq(transmissions.merchantId, merchantId), inArray(transmissions.status, ["pending", "sending", "paused"])));
    waiting = Number(row?.n ?? 0);
  }
  return { method: cfg?.method ?? "off", stale, keyFingerprint: cfg?.fp ?? null, waiting, protocol: cfg?.protocol ?? "rest", appId: cfg?.appId ?? null };
}

/** The latest transmission of an order, for the resend item's polling. */
export async function getTransmissionStatus(db: Db, { merchantId, id }: { merchantId: string; id: string }) {
  if (!UUID.test(id)) throw new NotFoundError("No such transmission in your store.");
  const [row] = await db
    .select({ id: transmissions.id, status: transmissions.status, lastStatusCode: transmissions.lastStatusCode, lastError: transmissions.lastError, attempts: transmissions.attempts, nextAttemptAt: transmissions.nextAttemptAt })
    .from(transmissions)
    .where(and(eq(transmissions.id, id), eq(transmissions.merchantId, merchantId)));
  if (!row) throw new NotFoundError("No such transmission in your store.");
  return row;
}

/** Delivered sale and refund payloads of an order, newest first: what ONTRAPORT actually received. */
export async function listDeliveredOrderPayloads(db: Db, { merchantId, orderId }: { merchantId: string; orderId: string }) {
  return db
    .select({ type: transmissions.type, payload: transmissions.payload })
    .from(transmissions)
    .where(and(eq(transmissions.merchantId, merchantId), eq(transmissions.orderId, orderId), eq(transmissions.status, "delivered"), inArray(transmissions.type, ["sale", "refund"])))
    .orderBy(...NEWEST_FIRST);
}

/** What Review Order's Tools item needs: the method and whether the order is paid. */
export async function getResendFacts(db: Db, { merchantId, orderId }: { merchantId: string; orderId: string }) {
  const [order] = await db
    .select({ stage: orders.currentStage, paymentStatus: orders.paymentStatus, totalCents: orders.totalCents, shippingCents: orders.shippingHandlingCents, currency: orders.currency })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)));
  if (!order) return null;
  const { method } = await getKeyState(db, { merchantId });
  return { method, order };
}

/** `Resend failed` takes at most this many at a time, oldest first, and follows each to its end. */
export const RESEND_FAILED_LIMIT = 200;

/** The failed transmissions `Resend failed` would re-queue under the log's filters (a Status filter other than Failed matches none). */
function failedMatching(merchantId: string, f: LogFilter): SQL[] | null {
  if (f.status && f.status !== "failed") return null;
  return [...filterConditions(merchantId, { ...f, status: "failed" }), eq(transmissions.direction, "outbound"), sql`${transmissions.payload} <> ''`];
}

/** How many failed transmissions match the log's filters (what `Resend failed` offers to re-queue). */
export async function countFailedMatching(db: Db, { merchantId, filter }: { merchantId: string; filter: LogFilter }): Promise<number> {
  const where = failedMatching(merchantId, filter);
  if (!where) return 0;
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(transmissions).where(and(...where));
  return Number(row?.n ?? 0);
}

/** The oldest failed transmissions matching the log's filters, at most RESEND_FAILED_LIMIT. */
export async function failedMatchingIds(db: Db, { merchantId, filter, limit = RESEND_FAILED_LIMIT }: { merchantId: string; filter: LogFilter; limit?: number }): Promise<string[]> {
  const where = failedMatching(merchantId, filter);
  if (!where) return [];
  const rows = await db.select({ id: transmissions.id }).from(transmissions).where(and(...where)).orderBy(...OLDEST_FIRST).limit(limit);
  return rows.map((r) => r.id);
}

export interface TransmissionProgress {
  id: string;
  type: TransmissionType;
  status: TransmissionStatus;
  orderId: string | null;
  description: string;
  lastError: string | null;
  attempts: number;
}

/** Where some transmissions stand now (Resend failed follows its rows); other merchants' ids are left out. */
export async function getTransmissionStatuses(db: Db, { merchantId, ids }: { merchantId: string; ids: string[] }): Promise<TransmissionProgress[]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (!valid.length) return [];
  return db
    .select({ id: transmissions.id, type: transmissions.type, status: transmissions.status, orderId: transmissions.orderId, description: transmissions.description, lastError: transmissions.lastError, attempts: transmissions.attempts })
    .from(transmissions)
    .where(and(eq(transmissions.merchantId, merchantId), inArray(transmissions.id, valid)));
}

/** Review Order's ONTRAPORT card and Tools item: the order's resend facts, its transmissions and what ONTRAPORT received. Null: no such order. */
export async function getOrderOntraport(db: Db, { merchantId, orderId }: { merchantId: string; orderId: string }) {
  const [facts, rows, delivered] = await Promise.all([
    getResendFacts(db, { merchantId, orderId }),
    listOrderTransmissions(db, { merchantId, orderId }),
    listDeliveredOrderPayloads(db, { merchantId, orderId }),
  ]);
  return facts ? { facts, rows, delivered } : null;
}

export type OrderOntraport = NonNullable<Awaited<ReturnType<typeof getOrderOntraport>>>;
