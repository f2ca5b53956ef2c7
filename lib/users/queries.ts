import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { NotFoundError, UserError } from "@/lib/errors";
import type { Role } from "@/lib/auth/config";
import { recordAudit } from "@/lib/audit";

export async function listUsers(db: Db, { merchantId }: { merchantId: string }) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.merchantId, merchantId))
    .orderBy(asc(users.createdAt));
}

export const EMAIL_UNAVAILABLE = "This email address cannot be used for a new user. Use another address.";

export async function createUser(
  db: Db,
  { merchantId, actorId, email, name, role, password }: { merchantId: string; actorId: string | null; email: string; name: string; role: Role; password: string },
) {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
    // One message whether the address belongs to this store or another: an admin learns nothing about other stores.
    if (existing) throw new UserError(EMAIL_UNAVAILABLE, "email", 409);
    const [row] = await tx.insert(users).values({ merchantId, email, name, role, passwordHash }).returning({ id: users.id });
    await recordAudit(tx, { merchantId, userId: actorId, action: "user.created", target: email, detail: { role } });
    return row!;
  });
}

/** Changes a user's role or disables/enables them; scoped to the merchant so other tenants' users are "not found". */
export async function updateUser(
  db: Db,
  { merchantId, actorId, userId, role, disabled }: { merchantId: string; actorId: string; userId: string; role?: Role; disabled?: boolean },
) {
  return db.transaction(async (tx) => {
    const [target] = await tx.select().from(users).where(and(eq(users.id, userId), eq(users.merchantId, merchantId)));
    if (!target) throw new NotFoundError("No such user in your store.");
    if (userId === actorId && (disabled === true || role === "support")) {
      throw new UserError("You cannot disable yourself or remove your own admin role. Ask another admin.");
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    if (role && role !== target.role) changes.role = role;
    if (disabled !== undefined && disabled !== Boolean(target.disabledAt)) changes.disabledAt = disabled ? new Date() : null;
    if (Object.keys(changes).length === 0) return target;
    await tx.update(users).set(changes).where(eq(users.id, userId));
    await recordAudit(tx, {
      merchantId,
      userId: actorId,
      action: "user.updated",
      target: target.email,
      detail: { ...(changes.role ? { role: changes.role } : {}), ...(disabled !== undefined ? { disabled } : {}) },
    });
    return { ...target, ...changes };
  });
}
