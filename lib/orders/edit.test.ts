import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, orders } from "@/lib/db/schema";
import { testBackends, useTestDatabase } from "@/tools/testing/db";
import { insertOrder } from "./create";
import { customerSchema, updateOrderCustomer } from "./edit";

const good = { firstName: "Ada", lastName: "King", company: "", email: " Ada@Example.COM ", dayPhone: "+1 (555) 0100", address1: "1 Main St", address2: "", city: "London", stateRegion: "", postalCode: "N1", countryCode: "gb" };

describe("customerSchema", () => {
  it("normalizes good details and names each bad field", () => {
    expect(customerSchema.parse(good)).toMatchObject({ email: "ada@example.com", countryCode: "GB" });
    const bad = customerSchema.safeParse({ ...good, firstName: " ", email: "nope", dayPhone: "call me", countryCode: "GBR" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join(".")).sort()).toEqual(["countryCode", "dayPhone", "email", "firstName"]);
  });
});

describe.each(testBackends())("updateOrderCustomer on %s", (kind) => {
  const t = useTestDatabase(kind, { merchants: ["M1", "M2"] });

  it("saves the details with an audit entry, and refuses another merchant's order", async () => {
    const o = await t.db.transaction((tx) =>
      insertOrder(tx, { merchantId: "M1", stage: "Shipping Department", paymentStatus: "Processed", paymentMethod: "Credit Card", themeCode: "DEFAULT", email: "old@example.com", byLabel: "Shopper", lines: [{ merchantItemId: "A", quantity: 1, unitPriceCents: 100 }] }),
    );
    const details = customerSchema.parse(good);
    await updateOrderCustomer(t.db, { merchantId: "M1", orderId: o.id, details, by: { userId: null, label: "admin" } });
    const [after] = await t.db.select().from(orders).where(eq(orders.id, o.id));
    expect(after).toMatchObject({ firstName: "Ada", email: "ada@example.com", countryCode: "GB", totalCents: 100 });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.target, `Order ${o.id}`));
    expect(audit!.detail).toMatchObject({ fields: expect.arrayContaining(["email", "firstName"]) });
    await expect(updateOrderCustomer(t.db, { merchantId: "M2", orderId: o.id, details, by: { userId: null, label: "x" } })).rejects.toMatchObject({ name: "NotFoundError" });
  });
});
