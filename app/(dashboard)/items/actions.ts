"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { parseMoney } from "@/lib/money";
import { normalizeProductName } from "@/lib/ontraport/product-name";
import { FREQUENCIES } from "@/lib/db/schema";
import { createItem, duplicateItem, getItem, ITEM_ID, ITEM_ID_HELP, setItemInactive, updateItem, type ItemInput } from "@/lib/items/queries";

/** ONTRAPORT product names: the same rule as the Product Mapping page (lib/ontraport/product-name). */
const productName = z.string().transform((s, ctx) => {
  const r = normalizeProductName(s);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: r.error });
    return z.NEVER;
  }
  return r.value ?? "";
});

const itemId = z.string().trim().regex(ITEM_ID, ITEM_ID_HELP);

const itemSchema = z
  .object({
    id: z.string().uuid().optional(),
    merchantItemId: itemId,
    description: z.string().trim().max(500, "Keep the description under 500 characters.").default(""),
    price: z.string().transform((s, ctx) => {
      const c = parseMoney(s);
      if (c === null) {
        ctx.addIssue({ code: "custom", message: "Enter a price like 19.95 (no negative amounts, at most two decimals)." });
        return z.NEVER;
      }
      return c;
    }),
    kind: z.enum(["standard", "recurring", "preorder"]),
    frequency: z.union([z.enum(FREQUENCIES), z.literal("")]).default(""),
    oapProductid: productName.default(""),
  })
  .catchall(z.string())
  .refine((v) => v.kind !== "recurring" || v.frequency !== "", { message: "Choose how often a recurring item renews.", path: ["frequency"] });

const CF_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

function customFieldsOf(raw: Record<string, string>, oap: string): { fields: Record<string, string>; errors: Record<string, string> } {
  const fields: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const [k, name] of Object.entries(raw)) {
    const m = /^cfName_(\d+)$/.exec(k);
    if (!m) continue;
    const n = name.trim();
    const value = (raw[`cfValue_${m[1]}`] ?? "").trim();
    if (!n && !value) continue;
    if (!CF_NAME.test(n)) errors[k] = "Field names start with a letter; letters, digits and underscores only.";
    else if (n === "oapProductid") errors[k] = "Use the ONTRAPORT Product Name field above for oapProductid.";
    else if (value.length > 500) errors[`cfValue_${m[1]}`] = "Keep values under 500 characters.";
    else fields[n] = value;
  }
  if (oap) fields.oapProductid = oap;
  return { fields, errors };
}

export const saveItem = formAction({ schema: itemSchema, role: "admin" }, async (input, { user, db }) => {
  const { fields, errors } = customFieldsOf(input as unknown as Record<string, string>, input.oapProductid);
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
