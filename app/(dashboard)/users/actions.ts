"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { createUser, updateUser } from "@/lib/users/queries";
import { setSupportMayRefund } from "@/lib/users/permissions";
import { lineText } from "@/lib/validation";

const createSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  name: lineText(120, "the name").min(1, "Enter a name."),
  role: z.enum(["admin", "support"], { message: "Choose a role." }),
  password: z.string().min(10, "Use at least 10 characters.").max(200, "Use at most 200 characters."),
});

export const addUser = formAction({ schema: createSchema, role: "admin" }, async (input, { user, db }) => {
  await createUser(db, { ...input, merchantId: user.merchantId, actorId: user.id });
  revalidatePath("/users");
  return { ok: true, message: `${input.email} can now sign in as ${input.role}.` };
});

const updateSchema = z.object({
  userId: z.string().uuid(),
  role: z.enum(["admin", "support"]).optional(),
  disabled: z.boolean().optional(),
});

export const changeUser = action({ schema: updateSchema, role: "admin" }, async (input, { user, db }) => {
  await updateUser(db, { ...input, merchantId: user.merchantId, actorId: user.id });
  revalidatePath("/users");
  return { ok: true, message: "User updated." };
});

// A checkbox sends "on" when ticked and nothing when not.
const permissionsSchema = z.object({
  supportMayRefund: z.literal("on", { message: "Tick the box or leave it empty." }).optional(),
});

export const saveStaffPermissions = formAction({ schema: permissionsSchema, role: "admin" }, async (input, { user, db }) => {
  const allowed = input.supportMayRefund === "on";
  const r = await setSupportMayRefund(db, { merchantId: user.merchantId, actorId: user.id, allowed });
  revalidatePath("/users");
  if (!r.changed) return { ok: true, message: "Nothing changed." };
  return { ok: true, message: allowed ? "Saved. Support users may now refund orders." : "Saved. Only admins may refund orders now." };
});
