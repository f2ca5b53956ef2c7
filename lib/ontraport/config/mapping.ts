import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

import { NotFoundError, UserError } from "@/lib/errors";

/**
 * Product Mapping: an item's ONTRAPORT Product Name is its `oapProductid` custom field (the same value
 * the item editor shows). What is sent ("Sent as") is that name with surrounding spaces removed, or
 * the Item ID when it is empty.
 *
 * Rules, chosen here and documented in docs/user-guide.md (Product Mapping):
 * - at most MAX_PRODUCT_NAME (255) characters, ONTRAPORT's product name field length;
 * - surrounding spaces are trimmed on save; control characters (tabs, line breaks, ...) are refused;
 * - empty means "send the Item ID" (the custom field is removed);
 * - two items conflict when their "Sent as" names are equal ignoring case: ONTRAPORT matches product
 *   names without regard to case, so `Red Shirt` and `red shirt` would land on one product.
 */
import { normalizeProductName } from "@/lib/items/product-name";
import { normalizeTagList } from "@/lib/items/ontraport-tags";
import { dropCachedProducts } from "../engine/rest-delivery";
import { recordAudit } from "@/lib/audit";
export { MAX_PRODUCT_NAME, normalizeProductName, effectiveName, conflictKey, type NormalizedName } from "@/lib/items/product-name";
export const PAGE_SIZE = 50;
/** At most this many rows change in one Save (one page of the table is 50). */
export const MAX_CHANGES_PER_SAVE = 500;

// SQL twins of effectiveName/conflictKey, so paging and conflict counts agree with the code above.
const MAPPING = sql`(custom_fields ->> 'oapProductid')`;
const SENT_AS = sql`coalesce(nullif(btrim(custom_fields ->> 'oapProductid'), ''), merchant_item_id)`;
const CONFLICT_KEY = sql`lower(${SENT_AS})`;

export type MappingFilter = "all" | "unmapped" | "conflicts";

export interface MappingRow {
  itemId: string;
  description: string;
  mapping: string | null;
  sentAs: string;
  /** The item's ONTRAPORT tags, comma-separated ("" for none). */
  tags: string;
  /** Item IDs of the other items sent under the same name (first 10). */
  conflictsWith: string[];
  conflictCount: number;
}

export interface MappingPage {
  rows: MappingRow[];
  /** Keyset cursors (Item IDs) for Previous / Next, or null at either end. */
  prevCursor: string | null;
  nextCursor: string | null;
  summary: MappingSummary;
}

export interface MappingSummary {
  items: number;
  unmapped: number;
  /** Names shared by two or more items. */
  conflictNames: number;
  /** Items involved in a conflict. */
  conflictItems: number;
}

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function mappingSummary(db: Db, { merchantId }: { merchantId: string }): Promise<MappingSummary> {
  const [counts] = rowsOf<{ items: number | string; unmapped: number | string }>(
    await db.execute(sql`select count(*)::int as items, count(*) filter (where nullif(btrim(${MAPPING}), '') is null)::int as unmapped from items where merchant_id = ${merchantId}`),
  );
  const [dups] = rowsOf<{ names: number | string; items: number | string | null }>(
    await db.execute(sql`select count(*)::int as names, coalesce(sum(n), 0)::int as items from (select count(*) as n from items where merchant_id = ${merchantId} group by ${CONFLICT_KEY} having count(*) > 1) g`),
  );
  return { items: Number(counts?.items ?? 0), unmapped: Number(counts?.unmapped ?? 0), conflictNames: Number(dups?.names ?? 0), conflictItems: Number(dups?.items ?? 0) };
}

/**
 * One page of the Product Mapping table, ordered by Item ID with keyset paging (`after` / `before`
 * an Item ID), so page 200 of 10,000 items costs what page 1 does.
 */
export async function listMappings(
  db: Db,
  { merchantId, q, filter = "all", after, before, limit = PAGE_SIZE }: { merchantId: string; q?: string; filter?: MappingFilter; after?: string; before?: string; limit?: number },
): Promise<MappingPage> {
  const conds: SQL[] = [sql`merchant_id = ${merchantId}`];
  const term = q?.trim();
  if (term) {
    const like = `%${escapeLike(term)}%`;
    conds.push(sql`(merchant_item_id ilike ${like} or description ilike ${like} or ${MAPPING} ilike ${like})`);
  }
  if (filter === "unmapped") conds.push(sql`nullif(btrim(${MAPPING}), '') is null`);
  if (filter === "conflicts") {
    conds.push(sql`${CONFLICT_KEY} in (select ${CONFLICT_KEY} from items where merchant_id = ${merchantId} group by 1 having count(*) > 1)`);
  }
  const backwards = before !== undefined && after === undefined;
  if (after !== undefined) conds.push(sql`merchant_item_id > ${after}`);
  if (backwards) conds.push(sql`merchant_item_id < ${before}`);
  const where = sql.join(conds, sql` and `);
  const order = backwards ? sql`merchant_item_id desc` : sql`merchant_item_id asc`;

  const raw = rowsOf<{ item_id: string; description: string; mapping: string | null; sent_as: string; tags: string | null }>(
    await db.execute(
      sql`select merchant_item_id as item_id, description, ${MAPPING} as mapping, ${SENT_AS} as sent_as, custom_fields ->> 'oapTags' as tags from items where ${where} order by ${order} limit ${limit + 1}`,
    ),
  );
  const more = raw.length > limit;
  const page = raw.slice(0, limit);
  if (backwards) page.reverse();

  const keys = [...new Set(page.map((r) => r.sent_as.toLowerCase()))];
  const others = new Map<string, string[]>();
  if (keys.length > 0) {
    const hits = rowsOf<{ k: string; item_id: string }>(
      await db.execute(
        sql`select ${CONFLICT_KEY} as k, merchant_item_id as item_id from items where merchant_id = ${merchantId} and ${CONFLICT_KEY} in (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )}) order by merchant_item_id`,
      ),
    );
    for (const h of hits) others.set(h.k, [...(others.get(h.k) ?? []), h.item_id]);
  }

  const rows: MappingRow[] = page.map((r) => {
    const all = (others.get(r.sent_as.toLowerCase()) ?? []).filter((id) => id !== r.item_id);
    return { itemId: r.item_id, description: r.description, mapping: r.mapping, sentAs: r.sent_as, tags: r.tags ?? "", conflictsWith: all.slice(0, 10), conflictCount: all.length };
  });

  const first = rows[0]?.itemId ?? null;
  const last = rows[rows.length - 1]?.itemId ?? null;
  return {
    rows,
    prevCursor: backwards ? (more ? first : null) : after !== undefined ? first : null,
    nextCursor: backwards ? last : more ? last : null,
    summary: await mappingSummary(db, { merchantId }),
  };
}

export interface MappingChange {
  /** The Item ID (merchant's own). */
  itemId: string;
  /** What was typed; empty sends the Item ID; undefined leaves the name alone. */
  value?: string;
  /** The item's ONTRAPORT tags as typed (comma-separated); undefined leaves them alone. */
  tags?: string;
}

/** Validates every change's tags; returns errors by Item ID (empty when all are fine). */
export function validateTagChanges(changes: MappingChange[]): Record<string, string> {
  const errors: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const c of changes) {
    if (c.tags === undefined) continue;
    const r = normalizeTagList(c.tags);
    if (!r.ok) errors[c.itemId] = r.error;
  }
  return errors;
}

/** Validates every change; returns errors by Item ID (empty when all are fine). */
export function validateMappingChanges(changes: MappingChange[]): Record<string, string> {
  // No prototype: an Item ID such as "__proto__" or "valueOf" must still get (and keep) its error.
  const errors: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const c of changes) {
    if (c.value === undefined) continue;
    const r = normalizeProductName(c.value);
    if (!r.ok) errors[c.itemId] = r.error;
  }
  return errors;
}

/**
 * Saves many mappings at once, all or nothing: an invalid value or an Item ID not in this merchant's
 * store fails the whole save. Rows whose value does not actually change are skipped. Each saved
 * change gets an audit entry. Returns how many mappings changed.
 */
export async function saveMappings(db: Db, { merchantId, userId, changes }: { merchantId: string; userId: string | null; changes: MappingChange[] }): Promise<{ saved: number }> {
  if (changes.length > MAX_CHANGES_PER_SAVE) throw new UserError(`Save at most ${MAX_CHANGES_PER_SAVE} mappings at a time.`);
  const errors = validateMappingChanges(changes);
  const firstError = Object.entries(errors)[0];
  if (firstError) throw new UserError(firstError[1], `mapping_${firstError[0]}`);
  const tagError = Object.entries(validateTagChanges(changes))[0];
  if (tagError) throw new UserError(tagError[1], `tags_${tagError[0]}`);
  if (changes.length === 0) return { saved: 0 };
  const wanted = new Map(changes.map((c) => [c.itemId, c.value === undefined ? undefined : (normalizeProductName(c.value) as { ok: true; value: string | null }).value]));
  const wantedTags = new Map(changes.filter((c) => c.tags !== undefined).map((c) => [c.itemId, (normalizeTagList(c.tags!) as { ok: true; value: string }).value]));

  // An Item ID PostgreSQL cannot even compare (NUL, control characters) is in no store.
  const impossible = [...wanted.keys()].filter((i) => /\p{Cc}/u.test(i));
  if (impossible.length) throw new NotFoundError(`No item ${JSON.stringify(impossible[0])} in your store; nothing was saved.`);
  return db.transaction(async (tx) => {
    const ids = [...wanted.keys()];
    const found = rowsOf<{ id: string; item_id: string; mapping: string | null; sent_as: string; tags: string | null }>(
      await tx.execute(
        sql`select id, merchant_item_id as item_id, ${MAPPING} as mapping, ${SENT_AS} as sent_as, custom_fields ->> 'oapTags' as tags from items where merchant_id = ${merchantId} and merchant_item_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) for update`,
      ),
    );
    if (found.length !== ids.length) {
      const have = new Set(found.map((f) => f.item_id));
      const missing = ids.filter((i) => !have.has(i));
      throw new NotFoundError(`No item ${missing.slice(0, 3).join(", ")} in your store; nothing was saved.`);
    }
    let saved = 0;
    const renamed: string[] = [];
    for (const f of found) {
      const tags = wantedTags.get(f.item_id);
      if (tags !== undefined && tags !== (f.tags ?? "")) {
        if (tags === "") await tx.execute(sql`update items set custom_fields = custom_fields - 'oapTags', updated_at = now() where id = ${f.id} and merchant_id = ${merchantId}`);
        else await tx.execute(sql`update items set custom_fields = jsonb_set(custom_fields, '{oapTags}', to_jsonb(${tags}::text)), updated_at = now() where id = ${f.id} and merchant_id = ${merchantId}`);
        await recordAudit(tx, { merchantId, userId, action: "ontraport.tags_changed", target: `Item ${f.item_id}`, detail: { from: f.tags ?? "", to: tags } });
        saved++;
      }
      const to = wanted.get(f.item_id);
      if (to === undefined || (f.mapping ?? null) === to) continue;
      renamed.push(f.sent_as, to ?? f.item_id);
      if (to === null) {
        await tx.execute(sql`update items set custom_fields = custom_fields - 'oapProductid', updated_at = now() where id = ${f.id} and merchant_id = ${merchantId}`);
      } else {
        await tx.execute(sql`update items set custom_fields = jsonb_set(custom_fields, '{oapProductid}', to_jsonb(${to}::text)), updated_at = now() where id = ${f.id} and merchant_id = ${merchantId}`);
      }
      await recordAudit(tx, { merchantId, userId, action: "ontraport.mapping_changed", target: `Item ${f.item_id}`, detail: { from: f.mapping, to } });
      saved++;
    }
    // ONTRAPORT ids cached by name (REST): a renamed mapping looks its names up again.
    await dropCachedProducts(tx, merchantId, renamed);
    return { saved };
  });
}
