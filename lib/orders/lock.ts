import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { orders } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";

/** The merchant's order, locked FOR UPDATE for the rest of the transaction; another store's is "No such order." */
export async function lockOrder(tx: Db, merchantId: string, orderId: string): Promise<typeof orders.$inferSelect> {
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)))
    .for("update");
  if (!order) throw new NotFoundError("No such order.");
  return order;
}
