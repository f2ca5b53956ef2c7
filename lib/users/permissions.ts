import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { merchants } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit";

/** Store-wide permissions of the merchant's staff (the Users page shows and sets them). */
export interface StaffPermissions {
  /** Whether support users may refund orders (admins always may). */
  supportMayRefund: boolean;
}

export async function getStaffPermissions(db: Db, { merchantId }: { merchantId: string }): Promise<StaffPermissions> {
  const [row] = await db.select({ supportMayRefund: merchants.supportMayRefund }).from(merchants).where(eq(merchants.id, merchantId));
  if (!row) throw new NotFoundError("No such store.");
  return row;
}

/**
 * Lets support refund orders, or stops them, for one merchant only, with an audit entry when the
 * setting changes. Callers check that the actor is an admin (the server action requires the role).
 */
export async function setSupportMayRefund(
  db: Db,
  { merchantId, actorId, allowed }: { merchantId: string; actorId: string; allowed: boolean },
): Promise<{ changed: boolean; supportMayRefund: boolean }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ supportMayRefund: merchants.supportMayRefund }).from(merchants).where(eq(merchants.id, merchantId)).for("update");
    if (!row) throw new NotFoundError("No such store.");
    if (row.supportMayRefund === allowed) return { changed: false, supportMayRefund: allowed };
    await tx.update(merchants).set({ supportMayRefund: allowed }).where(eq(merchants.id, merchantId));
    await recordAudit(tx, { merchantId, userId: actorId, action: "merchant.support_may_refund_changed", target: "Support users may refund orders", detail: { from: row.supportMayRefund, to: allowed } });
    return { changed: true, supportMayRefund: allowed };
  });
}
