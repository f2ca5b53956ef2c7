"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { customFieldsOf, itemId, itemSchema, productName } from "@/lib/items/schema";
import { createItem, duplicateItem, getItem, setItemInactive, updateItem, type ItemInput } from "@/lib/items/queries";

export const saveItem = formAction({ schema: itemSchema, role: "admin" }, async (input, { user, db }) => {
  const { fields, errors } = customFieldsOf(input as unknown as Record<string, string>, input.oapProductid, input.oapTags);
  if (Object.keys(errors).length) return { error: "Some custom fields need attention.", fieldErrors: errors, values: input as unknown as Record<string, string> };
  const item: Omit<ItemInput, "inactive"> = {
    merchantItemId: input.merchantItemId,
    description: input.description,
    priceCents: input.price,
    kind: input.kind,
    frequency: input.frequency === "" ? null : input.frequency,
    customFields: fields,
  };
  if (input.id) {
    const before = await getItem(db, user.merchantId, input.id);
    await updateItem(db, { merchantId: user.merchantId, actorId: user.id, id: input.id, input: { ...item, inactive: before.inactive } });
    revalidatePath("/items");
    return { ok: true, message: `Item ${input.merchantItemId} saved.` };
  }
  const row = await createItem(db, { merchantId: user.merchantId, actorId: user.id, input: { ...item, inactive: false } });
  revalidatePath("/items");
  redirect(`/items/${row.id}?created=1`);
});

export const setInactive = action({ schema: z.object({ id: z.string().uuid(), inactive: z.boolean() }), role: "admin" }, async (input, { user, db }) => {
  const row = await setItemInactive(db, { merchantId: user.merchantId, actorId: user.id, ...input });
  revalidatePath("/items");
  revalidatePath(`/items/${input.id}`);
  return { ok: true, message: `Item ${row.merchantItemId} ${input.inactive ? "deactivated: it no longer shows in the StoreFront" : "is active again"}.` };
});

const duplicateSchema = z
  .object({
    id: z.string().uuid(),
    newItemId: itemId,
    productChoice: z.enum(["keep", "clear", "change"]),
    productName: productName.default(""),
  })
  .refine((v) => v.productChoice !== "change" || v.productName !== "", { message: "Type the new ONTRAPORT Product Name, or choose to clear it.", path: ["productName"] });

export const duplicate = action({ schema: duplicateSchema, role: "admin" }, async (input, { user, db }) => {
  const productName = input.productChoice === "keep" ? undefined : input.productChoice === "clear" ? "" : input.productName;
  const row = await duplicateItem(db, { merchantId: user.merchantId, actorId: user.id, id: input.id, newItemId: input.newItemId, productName });
  revalidatePath("/items");
  return { ok: true, message: `Item ${row.merchantItemId} created as a copy.`, data: { id: row.id } };
});
