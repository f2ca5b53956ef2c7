import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { themes } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit";
import { STORE_CODE } from "@/lib/validation";

/** Theme codes appear in StoreFront URLs and are sent to ONTRAPORT: immutable once created. */
export const THEME_CODE = STORE_CODE;

export async function listThemes(db: Db, merchantId: string) {
  return db.select().from(themes).where(eq(themes.merchantId, merchantId)).orderBy(asc(themes.code));
}

export async function createTheme(db: Db, { merchantId, actorId, code, name }: { merchantId: string; actorId: string | null; code: string; name: string }) {
  if (!THEME_CODE.test(code)) throw new UserError("Use 1 to 32 capital letters, digits, dashes or underscores.", "code");
  return db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: themes.id }).from(themes).where(and(eq(themes.merchantId, merchantId), eq(themes.code, code)));
    if (clash) throw new UserError(`Theme ${code} already exists.`, "code", 409);
    const [row] = await tx.insert(themes).values({ merchantId, code, name }).returning();
    await recordAudit(tx, { merchantId, userId: actorId, action: "theme.created", target: `Theme ${code}`, detail: { name } });
    return row!;
  });
}

export async function renameTheme(db: Db, { merchantId, actorId, id, name }: { merchantId: string; actorId: string | null; id: string; name: string }) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(themes).where(and(eq(themes.id, id), eq(themes.merchantId, merchantId)));
    if (!before) throw new NotFoundError("No such theme in your store.");
    if (before.name === name) return before;
    const [row] = await tx.update(themes).set({ name }).where(eq(themes.id, id)).returning();
    await recordAudit(tx, { merchantId, userId: actorId, action: "theme.renamed", target: `Theme ${before.code}`, detail: { from: before.name, to: name } });
    return row!;
  });
}
