import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { orders } from "@/lib/db/schema";
import { lockOrder } from "./lock";
import type { Actor } from "./stages";
import { lineText } from "@/lib/validation";
import { recordAudit } from "@/lib/audit";

const text = lineText;

/** The customer details staff can correct in Review Order (Edit > Customer). */
export const customerSchema = z.object({
  firstName: text(80, "the first name").min(1, "Enter a first name."),
  lastName: text(80, "the last name").min(1, "Enter a last name."),
  company: text(120, "the company"),
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  dayPhone: text(40, "the phone number").regex(/^[0-9+()\-.\s]*$/, "Use digits, spaces and + ( ) - only."),
  address1: text(200, "the address"),
  address2: text(200, "the address"),
  city: text(100, "the city"),
  stateRegion: text(100, "the state or region"),
  postalCode: text(20, "the postal code"),
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z]{2})?$/, "Use a two-letter country code such as US."),
});
export type CustomerDetails = z.infer<typeof customerSchema>;

/** Corrects the billing details of an order, and notes who did it in the audit log. */
export async function updateOrderCustomer(db: Db, input: { merchantId: string; orderId: string; details: CustomerDetails; by: Actor; now?: Date }): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (tx) => {
    const before = await lockOrder(tx, input.merchantId, input.orderId);
    await tx
      .update(orders)
      .set({ ...input.details, updatedAt: now })
      .where(eq(orders.id, before.id));
    const changed = (Object.keys(input.details) as Array<keyof CustomerDetails>).filter((k) => before[k] !== input.details[k]);
    await recordAudit(tx, { merchantId: input.merchantId, userId: input.by.userId, action: "order.customer_updated", target: `Order ${before.id}`, detail: { fields: changed }, at: now });
  });
}
