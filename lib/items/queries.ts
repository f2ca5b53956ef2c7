import { and, asc, desc, eq, gt, ilike, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { items, FREQUENCIES } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit";

export const PAGE_SIZE = 20;
export { ITEM_ID, ITEM_ID_HELP } from "./item-id";
export type Frequency = (typeof FREQUENCIES)[number];
export type ItemRow = typeof items.$inferSelect;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** How many items the merchant has (Home). */
export async function countItems(db: Db, { merchantId }: { merchantId: string }): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.merchantId, merchantId));
  return Number(row?.n ?? 0);
}

/** One page of items ordered by Item ID, keyset-paged (`after`/`before` an Item ID), optionally searched. */
export async function listItems(db: Db, opts: { merchantId: string; q?: string; after?: string; before?: string; limit?: number }) {
  const limit = opts.limit ?? PAGE_SIZE;
  const conds = [eq(items.merchantId, opts.merchantId)];
  const q = opts.q?.trim();
  if (q) {
    const p = `%${escapeLike(q)}%`;
    conds.push(or(ilike(items.merchantItemId, p), ilike(items.description, p), ilike(sql`${items.customFields} ->> 'oapProductid'`, p))!);
  }
  if (opts.after) conds.push(gt(items.merchantItemId, opts.after));
  else if (opts.before) conds.push(lt(items.merchantItemId, opts.before));
  const rows = await db
    .select()
    .from(items)
    .where(and(...conds))
    .orderBy(opts.before && !opts.after ? desc(items.merchantItemId) : asc(items.merchantItemId))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (opts.before && !opts.after) page.reverse();
  const hasNext = opts.before && !opts.after ? true : more;
  const hasPrev = opts.before && !opts.after ? more : Boolean(opts.after);
  return { rows: page, hasNext: hasNext && page.length > 0, hasPrev: hasPrev && page.length > 0 };
}

export async function getItem(db: Db, merchantId: string, id: string): Promise<ItemRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError("No such item in your store.");
  const [row] = await db.select().from(items).where(and(eq(items.id, id), eq(items.merchantId, merchantId)));
  if (!row) throw new NotFoundError("No such item in your store.");
  return row;
}

/** Other items that would reach ONTRAPORT under the same product name. */
export async function itemsSharingProductName(db: Db, merchantId: string, productName: string, exceptId?: string) {
  if (!productName) return [];
  const conds = [eq(items.merchantId, merchantId), sql`${items.customFields} ->> 'oapProductid' = ${productName}`];
  if (exceptId) conds.push(ne(items.id, exceptId));
  return db.select({ id: items.id, merchantItemId: items.merchantItemId }).from(items).where(and(...conds)).orderBy(asc(items.merchantItemId)).limit(20);
}

export interface ItemInput {
  merchantItemId: string;
  description: string;
  priceCents: number;
  kind: "standard" | "recurring" | "preorder";
  frequency: Frequency | null;
  inactive: boolean;
  customFields: Record<string, string>;
}

function check(input: ItemInput) {
  if (input.kind === "recurring" && !input.frequency) throw new UserError("Choose how often a recurring item renews.", "frequency");
}

async function ensureFreeId(tx: Db, merchantId: string, merchantItemId: string, exceptId?: string, field = "merchantItemId") {
  const conds = [eq(items.merchantId, merchantId), eq(items.merchantItemId, merchantItemId)];
  if (exceptId) conds.push(ne(items.id, exceptId));
  const [clash] = await tx.select({ id: items.id }).from(items).where(and(...conds));
  if (clash) throw new UserError(`Item ID ${merchantItemId} is already used by another item.`, field, 409);
}

export async function createItem(db: Db, { merchantId, actorId, input }: { merchantId: string; actorId: string | null; input: ItemInput }) {
  check(input);
  return db.transaction(async (tx) => {
    await ensureFreeId(tx, merchantId, input.merchantItemId);
    const [row] = await tx
      .insert(items)
      .values({ merchantId, ...input, frequency: input.kind === "recurring" ? input.frequency : null })
      .returning();
    await recordAudit(tx, { merchantId, userId: actorId, action: "item.created", target: `Item ${input.merchantItemId}`, detail: { priceCents: input.priceCents, customFields: input.customFields } });
    return row!;
  });
}

export async function updateItem(db: Db, { merchantId, actorId, id, input }: { merchantId: string; actorId: string | null; id: string; input: ItemInput }) {
  check(input);
  return db.transaction(async (tx) => {
    const before = await getItem(tx, merchantId, id);
    await ensureFreeId(tx, merchantId, input.merchantItemId, id);
    const [row] = await tx
      .update(items)
      .set({ ...input, frequency: input.kind === "recurring" ? input.frequency : null, updatedAt: new Date() })
      .where(and(eq(items.id, id), eq(items.merchantId, merchantId)))
      .returning();
    const changed = (Object.keys(input) as (keyof ItemInput)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(row![k]));
    if (changed.length) {
      await recordAudit(tx, {
        merchantId,
        userId: actorId,
        action: "item.updated",
        target: `Item ${row!.merchantItemId}`,
        detail: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: row![k] }])),
      });
    }
    return row!;
  });
}

export async function setItemInactive(db: Db, { merchantId, actorId, id, inactive }: { merchantId: string; actorId: string | null; id: string; inactive: boolean }) {
  return db.transaction(async (tx) => {
    const before = await getItem(tx, merchantId, id);
    if (before.inactive === inactive) return before;
    const [row] = await tx.update(items).set({ inactive, updatedAt: new Date() }).where(eq(items.id, id)).returning();
    await recordAudit(tx, { merchantId, userId: actorId, action: inactive ? "item.deactivated" : "item.reactivated", target: `Item ${before.merchantItemId}` });
    return row!;
  });
}

/**
 * Copies an item under a new Item ID with every custom field, `oapProductid` included, as the real
 * cart does. `productName` lets the caller keep (undefined), clear ("") or change the copy's mapping.
 */
export async function duplicateItem(db: Db, { merchantId, actorId, id, newItemId, productName }: { merchantId: string; actorId: string | null; id: string; newItemId: string; productName?: string }) {
  return db.transaction(async (tx) => {
    const src = await getItem(tx, merchantId, id);
    await ensureFreeId(tx, merchantId, newItemId, undefined, "newItemId");
    const customFields = { ...src.customFields };
    if (productName !== undefined) {
      if (productName === "") delete customFields.oapProductid;
      else customFields.oapProductid = productName;
    }
    const [row] = await tx
      .insert(items)
      .values({ merchantId, merchantItemId: newItemId, description: src.description, priceCents: src.priceCents, kind: src.kind, frequency: src.frequency, inactive: src.inactive, customFields })
      .returning();
    await recordAudit(tx, { merchantId, userId: actorId, action: "item.duplicated", target: `Item ${newItemId}`, detail: { from: src.merchantItemId, customFields } });
    return row!;
  });
}
