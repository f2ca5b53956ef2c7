import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { affiliates, orders } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { recordEvent } from "@/lib/orders/events";
import { recordAudit } from "@/lib/audit";

/** Affiliates with how many orders each was credited with. */
export async function listAffiliates(db: Db, merchantId: string) {
  const credited = db
    .select({ affiliateId: orders.affiliateId, n: sql<number>`count(*)::int`.as("n") })
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), isNotNull(orders.affiliateId)))
    .groupBy(orders.affiliateId)
    .as("credited");
  return db
    .select({ id: affiliates.id, name: affiliates.name, email: affiliates.email, approved: affiliates.approved, orderCount: sql<number>`coalesce(${credited.n}, 0)` })
    .from(affiliates)
    .leftJoin(credited, eq(credited.affiliateId, affiliates.id))
    .where(eq(affiliates.merchantId, merchantId))
    .orderBy(asc(affiliates.id));
}

/** Adds an affiliate; the signup is an event for ONTRAPORT, written in the same transaction. */
export async function createAffiliate(db: Db, { merchantId, actorId, name, email, approved }: { merchantId: string; actorId: string | null; name: string; email: string; approved: boolean }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(affiliates)
      .values({ merchantId, name, email, approved, approvedAt: approved ? new Date() : null })
      .returning();
    await recordEvent(tx, { merchantId, type: "affiliate.changed", subjectId: String(row!.id), payload: { change: "signup", approved } });
    await recordAudit(tx, { merchantId, userId: actorId, action: "affiliate.created", target: `Affiliate ${row!.id}`, detail: { name, email, approved } });
    return row!;
  });
}

export async function setAffiliateApproval(db: Db, { merchantId, actorId, id, approved }: { merchantId: string; actorId: string | null; id: number; approved: boolean }) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(affiliates).where(and(eq(affiliates.id, id), eq(affiliates.merchantId, merchantId)));
    if (!before) throw new NotFoundError("No such affiliate in your store.");
    if (before.approved === approved) return before;
    const [row] = await tx
      .update(affiliates)
      .set({ approved, approvedAt: approved ? new Date() : null })
      .where(eq(affiliates.id, id))
      .returning();
    await recordEvent(tx, { merchantId, type: "affiliate.changed", subjectId: String(id), payload: { change: "approval", approved } });
    await recordAudit(tx, { merchantId, userId: actorId, action: approved ? "affiliate.approved" : "affiliate.unapproved", target: `Affiliate ${id}` });
    return row!;
  });
}
