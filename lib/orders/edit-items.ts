import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { items, orderLines, orders } from "@/lib/db/schema";
import { UserError } from "@/lib/errors";
import { itemId as itemIdSchema } from "@/lib/items/schema";
import { lockOrder } from "./lock";
import type { Actor } from "./stages";
import { recordAudit } from "@/lib/audit";

export interface ItemCorrection {
  lineId: string;
  /** The Item ID (items.merchantItemId) of the store item the line should point at. */
  merchantItemId: string;
}

export interface ItemCorrectionResult {
  changed: Array<{ lineNo: number; from: string; to: string }>;
}

/**
 * Edit > Items in Review Order: corrects which store item a line refers to (a wrong item keyed in, a
 * renamed product), so the order and its next ONTRAPORT notification (a manual resend) name the right
 * product. Quantities, prices and the money charged never change here: that is what refunds are for.
 * A subscription line keeps its item (its auto order rebills it), and so does a refunded line (its
 * refund was sent under that item). An inactive item may be chosen: a discontinued product is still
 * what was sold. All lines change or none do.
 */
export async function correctOrderItems(db: Db, input: { merchantId: string; orderId: string; changes: ItemCorrection[]; by: Actor; now?: Date }): Promise<ItemCorrectionResult> {
  const now = input.now ?? new Date();
  // One change per line (the last one wins), with the Item ID as the form's rule cleans it.
  const byLine = new Map<string, string>();
  for (const c of input.changes) {
    const r = itemIdSchema.safeParse(c.merchantItemId);
    if (!r.success) throw new UserError(r.error.issues[0]?.message ?? "Enter an Item ID.", `line_${c.lineId}`);
    byLine.set(c.lineId, r.data);
  }
  const changes = [...byLine].map(([lineId, merchantItemId]) => ({ lineId, merchantItemId }));
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.merchantId, input.orderId);
    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    const byId = new Map(lines.map((l) => [l.id, l]));
    const wanted = [...new Set(changes.map((c) => c.merchantItemId))];
    const found = wanted.length
      ? await tx
          .select({ id: items.id, merchantItemId: items.merchantItemId, description: items.description, kind: items.kind })
          .from(items)
          .where(and(eq(items.merchantId, input.merchantId), inArray(items.merchantItemId, wanted)))
      : [];
    const itemById = new Map(found.map((i) => [i.merchantItemId, i]));
    const changed: ItemCorrectionResult["changed"] = [];
    for (const c of changes) {
      const line = byId.get(c.lineId);
      if (!line) throw new UserError("That line is not on this order. Reload the page.", `line_${c.lineId}`, 404);
      if (c.merchantItemId === line.merchantItemId) continue;
      const item = itemById.get(c.merchantItemId);
      if (!item) throw new UserError(`This store has no item ${c.merchantItemId}. Enter the Item ID of one of your items.`, `line_${c.lineId}`);
      // ONTRAPORT heard of the refund under the line's item: the line keeps it, so sale and refund agree.
      if (line.quantityRefunded > 0 || line.totalRefundedCents > 0)
        throw new UserError(`Line ${line.lineNo} has been refunded, so it keeps its item: ONTRAPORT was told of the refund under ${line.merchantItemId}.`, `line_${c.lineId}`);
      if (line.frequency || item.kind === "recurring")
        throw new UserError(`Line ${line.lineNo} is a subscription: its item is changed from Auto Orders, not here.`, `line_${c.lineId}`);
      await tx.update(orderLines).set({ itemId: item.id, merchantItemId: item.merchantItemId, description: item.description }).where(eq(orderLines.id, line.id));
      changed.push({ lineNo: line.lineNo, from: line.merchantItemId, to: item.merchantItemId });
    }
    if (!changed.length) throw new UserError("Nothing to save: change the Item ID of a line first.");
    await tx.update(orders).set({ updatedAt: now }).where(eq(orders.id, order.id));
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.by.userId, action: "order.items_corrected", target: `Order ${order.id}`, detail: { changed }, at: now });
    return { changed: changed.sort((a, b) => a.lineNo - b.lineNo) };
  });
}
