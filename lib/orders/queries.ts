import { NO_CONTROL } from "@/lib/validation";
import { and, asc, eq, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { affiliates, autoOrders, orderLines, orders, orderStageHistory, refundLines, refunds, themes, users, ORDER_STAGES } from "@/lib/db/schema";
import type { Stage } from "./paid";

export type OrderRow = Pick<
  typeof orders.$inferSelect,
  "id" | "createdAt" | "currentStage" | "paymentStatus" | "paymentMethod" | "firstName" | "lastName" | "email" | "totalCents" | "totalRefundedCents" | "currency" | "themeCode"
>;

/**
 * A keyset position: the last row seen. `at` is the row's created time as PostgreSQL holds it
 * (microseconds, which a JS Date would round away and so skip or repeat rows); the id breaks ties.
 */
export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString("base64url");
}

export function decodeCursor(s: string | undefined | null): Cursor | null {
  if (!s) return null;
  const [at, id] = Buffer.from(s, "base64url").toString("utf8").split("|");
  if (!id || !at || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) || !NO_CONTROL.test(id) || id.length > 100) return null;
  return { at, id };
}

export interface ListOrdersInput {
  merchantId: string;
  stage?: Stage;
  /** An order id, an e-mail (or its start), or a customer's name (or part of it). */
  q?: string;
  /** `newest` first (default) or `oldest` first. */
  sort?: "newest" | "oldest";
  /** Rows after this cursor in the sort order (the next page)... */
  after?: Cursor | null;
  /** ...or before it (the previous page). */
  before?: Cursor | null;
  limit?: number;
}

export interface OrderPage {
  rows: Array<OrderRow & { cursor: Cursor }>;
  /** Cursor for the next page in sort order, when there is one. */
  next: Cursor | null;
  /** Cursor for the previous page, when there is one. */
  prev: Cursor | null;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const ORDER_ID = /^[A-Za-z0-9]+-\d+$/;
const FULL_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The search condition, narrowed by what was typed so the common searches use an index: an order
 * id matches exactly (primary key), a whole e-mail exactly (lower(email) index); anything else
 * is an e-mail prefix or part of a name, checked while walking the date index.
 */
function searchCondition(q: string): SQL | undefined {
  const t = q.trim();
  if (!t) return undefined;
  const lower = t.toLowerCase();
  if (ORDER_ID.test(t)) return eq(orders.id, t.toUpperCase());
  if (FULL_EMAIL.test(t)) return sql`lower(${orders.email}) = ${lower}`;
  const emailPrefix = sql`lower(${orders.email}) like ${`${escapeLike(lower)}%`}`;
  if (t.includes("@")) return emailPrefix;
  return or(emailPrefix, sql`lower(${orders.firstName} || ' ' || ${orders.lastName}) like ${`%${escapeLike(lower)}%`}`);
}

/**
 * One page of a merchant's orders, by stage and search, newest or oldest first, with keyset
 * paging on (created_at, id) so every page costs the same at 100,000 orders: it walks the
 * (merchant_id[, current_stage], created_at desc, id desc) indexes and stops after `limit` rows.
 */
export async function listOrders(db: Db, input: ListOrdersInput): Promise<OrderPage> {
  const limit = Math.min(Math.max(input.limit ?? 25, 1), 200);
  const newestFirst = (input.sort ?? "newest") === "newest";
  const backwards = Boolean(input.before) && !input.after;
  const cursor = input.after ?? input.before ?? null;
  // Walking the list in its order (after) or against it (before, then reversed).
  const descending = newestFirst !== backwards;
  const conds: Array<SQL | undefined> = [eq(orders.merchantId, input.merchantId)];
  if (input.stage) conds.push(eq(orders.currentStage, input.stage));
  if (input.q) conds.push(searchCondition(input.q));
  // Row comparisons and NULLS LAST/FIRST exactly as the indexes are built (created_at desc nulls
  // last, id desc nulls last), so PostgreSQL reads the index in order and stops after `limit`.
  if (cursor)
    conds.push(
      descending
        ? sql`(${orders.createdAt}, ${orders.id}) < (${cursor.at}::timestamptz, ${cursor.id})`
        : sql`(${orders.createdAt}, ${orders.id}) > (${cursor.at}::timestamptz, ${cursor.id})`,
    );
  const rows = await db
    .select({
      id: orders.id,
      createdAt: orders.createdAt,
      currentStage: orders.currentStage,
      paymentStatus: orders.paymentStatus,
      paymentMethod: orders.paymentMethod,
      firstName: orders.firstName,
      lastName: orders.lastName,
      email: orders.email,
      totalCents: orders.totalCents,
      totalRefundedCents: orders.totalRefundedCents,
      currency: orders.currency,
      themeCode: orders.themeCode,
      at: sql<string>`to_char(${orders.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(orders)
    .where(and(...conds))
    .orderBy(
      ...(descending
        ? [sql`${orders.createdAt} desc nulls last`, sql`${orders.id} desc nulls last`]
        : [sql`${orders.createdAt} asc nulls first`, sql`${orders.id} asc nulls first`]),
    )
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map(({ at, ...r }) => ({ ...r, cursor: { at, id: r.id } }));
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const toCursor = (r: { cursor: Cursor } | undefined): Cursor | null => r?.cursor ?? null;
  return backwards
    ? { rows: page, prev: more ? toCursor(first) : null, next: toCursor(last) }
    : { rows: page, prev: cursor ? toCursor(first) : null, next: more ? toCursor(last) : null };
}

/**
 * How many orders the merchant has in each stage (for the tabs), and in all: one grouped query
 * with the same search as `listOrders`, so a tab's count is the number of rows it would list.
 */
/** The stage a query string names, or undefined (the Order Management tabs). */
export function stageNamed(s: unknown): Stage | undefined {
  return ORDER_STAGES.find((stage) => stage === s);
}

export async function countOrdersByStage(db: Db, input: { merchantId: string; q?: string }): Promise<{ total: number; byStage: Partial<Record<Stage, number>> }> {
  const rows = await db
    .select({ stage: orders.currentStage, n: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(eq(orders.merchantId, input.merchantId), input.q ? searchCondition(input.q) : undefined))
    .groupBy(orders.currentStage);
  const byStage: Partial<Record<Stage, number>> = {};
  let total = 0;
  for (const r of rows) {
    byStage[r.stage] = Number(r.n);
    total += Number(r.n);
  }
  return { total, byStage };
}

/** Everything Review Order shows about one order; null when the merchant has no such order. */
export async function getOrderForReview(db: Db, input: { merchantId: string; orderId: string }) {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, input.orderId), eq(orders.merchantId, input.merchantId)));
  if (!order) return null;
  const [lines, history, refundRows, refundLineRows, affiliate, theme, autoOrderRows] = await Promise.all([
    db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.lineNo)),
    db
      .select({ h: orderStageHistory, userEmail: users.email })
      .from(orderStageHistory)
      .leftJoin(users, eq(users.id, orderStageHistory.byUserId))
      .where(eq(orderStageHistory.orderId, order.id))
      .orderBy(asc(orderStageHistory.at), asc(orderStageHistory.id)),
    db
      .select({ r: refunds, userEmail: users.email })
      .from(refunds)
      .leftJoin(users, eq(users.id, refunds.byUserId))
      .where(eq(refunds.orderId, order.id))
      .orderBy(asc(refunds.createdAt)),
    db
      .select({ refundId: refundLines.refundId, orderLineId: refundLines.orderLineId, quantity: refundLines.quantity, totalCents: refundLines.totalCents })
      .from(refundLines)
      .innerJoin(refunds, eq(refunds.id, refundLines.refundId))
      .where(eq(refunds.orderId, order.id)),
    order.affiliateId
      ? db
          .select()
          .from(affiliates)
          .where(and(eq(affiliates.id, order.affiliateId), eq(affiliates.merchantId, input.merchantId)))
          .then((r) => r[0] ?? null)
      : Promise.resolve(null),
    db
      .select()
      .from(themes)
      .where(and(eq(themes.merchantId, input.merchantId), eq(themes.code, order.themeCode)))
      .then((r) => r[0] ?? null),
    db
      .select()
      .from(autoOrders)
      .where(and(eq(autoOrders.merchantId, input.merchantId), or(eq(autoOrders.originalOrderId, order.id), order.autoOrderId ? eq(autoOrders.id, order.autoOrderId) : sql`false`))),
  ]);
  const heldFrom = order.currentStage === "Hold" ? ([...history].reverse().find((h) => h.h.toStage === "Hold")?.h.fromStage ?? null) : null;
  return {
    order,
    lines,
    history: history.map((h) => ({ ...h.h, byLabel: h.h.byLabel || h.userEmail || "" })),
    refunds: refundRows.map((r) => ({ ...r.r, byEmail: r.userEmail, lines: refundLineRows.filter((l) => l.refundId === r.r.id) })),
    affiliate,
    theme,
    autoOrders: autoOrderRows,
    heldFrom,
  };
}

export type OrderReview = NonNullable<Awaited<ReturnType<typeof getOrderForReview>>>;
