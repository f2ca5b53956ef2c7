"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { createAffiliate, setAffiliateApproval } from "@/lib/affiliates/queries";
import { lineText } from "@/lib/validation";

export const addAffiliate = formAction(
  {
    schema: z.object({
      name: lineText(120, "the name").min(1, "Enter a name."),
      email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
      approved: z.literal("on").optional(),
    }),
    role: "admin",
  },
  async (input, { user, db }) => {
    const row = await createAffiliate(db, { merchantId: user.merchantId, actorId: user.id, name: input.name, email: input.email, approved: input.approved === "on" });
    revalidatePath("/affiliates");
    return { ok: true, message: `${row.name} added as affiliate ${row.id}${row.approved ? " (approved)" : " (waiting for approval)"}.` };
  },
);

export const changeApproval = action({ schema: z.object({ id: z.number().int().positive(), approved: z.boolean() }), role: "admin" }, async (input, { user, db }) => {
  const row = await setAffiliateApproval(db, { merchantId: user.merchantId, actorId: user.id, ...input });
  revalidatePath("/affiliates");
  return { ok: true, message: `${row.name} is ${row.approved ? "approved" : "no longer approved"}.` };
});
