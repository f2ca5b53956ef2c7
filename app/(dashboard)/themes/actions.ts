"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/actions";
import { createTheme, renameTheme, THEME_CODE } from "@/lib/themes/queries";
import { lineText } from "@/lib/validation";

const name = lineText(80, "the name").min(1, "Enter a name.");

export const addTheme = formAction(
  { schema: z.object({ code: z.string().trim().toUpperCase().regex(THEME_CODE, "Use 1 to 32 capital letters, digits, dashes or underscores, like SPRING_SALE."), name }), role: "admin" },
  async (input, { user, db }) => {
    await createTheme(db, { merchantId: user.merchantId, actorId: user.id, ...input });
    revalidatePath("/themes");
    return { ok: true, message: `Theme ${input.code} added: its StoreFront is /store/${user.merchantId}/${input.code}.` };
  },
);

export const renameThemeAction = formAction({ schema: z.object({ id: z.string().uuid(), name }), role: "admin" }, async (input, { user, db }) => {
  const row = await renameTheme(db, { merchantId: user.merchantId, actorId: user.id, ...input });
  revalidatePath("/themes");
  return { ok: true, message: `Theme ${row.code} renamed to ${row.name}.` };
});
