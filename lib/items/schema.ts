import { z } from "zod";
import { parseMoney } from "@/lib/money";
import { normalizeProductName } from "./product-name";
import { normalizeTagList } from "./ontraport-tags";
import { FREQUENCIES } from "@/lib/db/schema/frequencies";
import { ITEM_ID, ITEM_ID_HELP } from "./item-id";
import { MULTILINE_CONTROL_HELP as CONTROL_HELP, NO_CONTROL_MULTILINE as NO_CONTROL } from "@/lib/validation";

/** ONTRAPORT product names: the same rule as the Product Mapping page (lib/items/product-name.ts). */
export const productName = z.string().transform((s, ctx) => {
  const r = normalizeProductName(s);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: r.error });
    return z.NEVER;
  }
  return r.value ?? "";
});

/** An item's ONTRAPORT tags, comma-separated (lib/items/ontraport-tags.ts). */
export const ontraportTags = z.string().transform((s, ctx) => {
  const r = normalizeTagList(s);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: r.error });
    return z.NEVER;
  }
  return r.value;
});

// Line breaks and tabs are fine in text; NUL and the other control characters are not (PostgreSQL text
// and jsonb cannot hold NUL, and the rest only corrupt what ONTRAPORT and receipts show).

export const itemId = z.string().trim().regex(ITEM_ID, ITEM_ID_HELP);

/**
 * The item editor's form: checked in the browser (item-form.tsx, react-hook-form) and again on the server
 * (app/(dashboard)/items/actions.ts saveItem). Plain module: nothing here may import server-only code.
 */
export const itemSchema = z
  .object({
    id: z.string().uuid().optional(),
    merchantItemId: itemId,
    description: z.string().trim().max(500, "Keep the description under 500 characters.").regex(NO_CONTROL, CONTROL_HELP).default(""),
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
    oapTags: ontraportTags.default(""),
  })
  .catchall(z.string())
  .refine((v) => v.kind !== "recurring" || v.frequency !== "", { message: "Choose how often a recurring item renews.", path: ["frequency"] });

const CF_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** Custom fields from the editor's cfName_N/cfValue_N pairs, with errors beside each field. */
export function customFieldsOf(raw: Record<string, string>, oap: string, tags = ""): { fields: Record<string, string>; errors: Record<string, string> } {
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
    else if (n === "oapTags") errors[k] = "Use the ONTRAPORT tags field above for oapTags.";
    else if (value.length > 500) errors[`cfValue_${m[1]}`] = "Keep values under 500 characters.";
    else if (!NO_CONTROL.test(value)) errors[`cfValue_${m[1]}`] = CONTROL_HELP;
    else fields[n] = value;
  }
  if (oap) fields.oapProductid = oap;
  if (tags) fields.oapTags = tags;
  return { fields, errors };
}
