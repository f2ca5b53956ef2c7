import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { auditLog, users } from "@/lib/db/schema";
import { createUser, listUsers, updateUser } from "./queries";
import { NotFoundError, UserError } from "@/lib/errors";
import { verifyPassword } from "@/lib/auth/password";

describe.each(testBackends())("users on %s", (kind) => {
  const t = useTestDatabase(kind, { seedDemo: { orderCount: 20 } });
  let demoAdmin: string;
  let acmeAdmin: string;
  beforeAll(async () => {
    const all = await t.db.select().from(users);
    demoAdmin = all.find((u) => u.email === "admin@demo.test")!.id;
    acmeAdmin = all.find((u) => u.email === "admin@acme.test")!.id;
  });

  it("lists only the merchant's own users", async () => {
    const demo = await listUsers(t.db, { merchantId: "DEMO" });
    expect(demo.map((u) => u.email).sort()).toEqual(["admin@demo.test", "support@demo.test"]);
    const acme = await listUsers(t.db, { merchantId: "ACME" });
    expect(acme.map((u) => u.email)).toEqual(["admin@acme.test"]);
  });

  it("a DEMO admin cannot change or disable ACME's users", async () => {
    await expect(updateUser(t.db, { merchantId: "DEMO", actorId: demoAdmin, userId: acmeAdmin, disabled: true })).rejects.toBeInstanceOf(NotFoundError);
    const [acme] = await t.db.select().from(users).where(eq(users.id, acmeAdmin));
    expect(acme!.disabledAt).toBeNull();
  });

  it("creates a user with a hashed password and an audit entry; duplicates are refused", async () => {
    const { id } = await createUser(t.db, { merchantId: "DEMO", actorId: demoAdmin, email: "new@demo.test", name: "New", role: "support", password: "long-enough-pass" });
    const [row] = await t.db.select().from(users).where(eq(users.id, id));
    expect(row!.passwordHash).not.toContain("long-enough-pass");
    expect(await verifyPassword("long-enough-pass", row!.passwordHash)).toBe(true);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "user.created"));
    expect(audit.map((a) => a.target)).toContain("new@demo.test");
    await expect(createUser(t.db, { merchantId: "ACME", actorId: acmeAdmin, email: "NEW@demo.test", name: "x", role: "admin", password: "long-enough-pass" })).rejects.toBeInstanceOf(UserError);
  });

  it("an admin cannot lock themselves out", async () => {
    await expect(updateUser(t.db, { merchantId: "DEMO", actorId: demoAdmin, userId: demoAdmin, disabled: true })).rejects.toThrow(/cannot disable yourself/);
    await expect(updateUser(t.db, { merchantId: "DEMO", actorId: demoAdmin, userId: demoAdmin, role: "support" })).rejects.toThrow(/cannot/);
  });
});
