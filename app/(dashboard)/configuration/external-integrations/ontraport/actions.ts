"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action, formAction } from "@/lib/actions";
import { clearApiKey, saveConfiguration, setMethod } from "@/lib/ontraport/config/config";
import { MAX_CHANGES_PER_SAVE, saveMappings, validateMappingChanges, validateTagChanges } from "@/lib/ontraport/config/mapping";
import { regeneratePollingKey } from "@/lib/ontraport/config/polling-key";
import { testConnection } from "@/lib/ontraport/config/test-connection";

const PATH = "/configuration/external-integrations/ontraport";

const configSchema = z
  .object({
    method: z.enum(["api", "pixel"], { message: "Choose an integration method: API Integration or Partner Tracking Pixel." }),
    protocol: z.enum(["rest", "xml"], { message: "Choose how to deliver: ONTRAPORT REST API or XML notification endpoint." }).optional(),
    appId: z.string().max(1000, "That is far too long for an ONTRAPORT App ID.").optional(),
    tagEveryBuyer: z.string().max(1000, "A tag name is at most 100 characters.").optional(),
    apiKey: z.string().max(1000, "That is far too long for an ONTRAPORT API key.").optional(),
    endpointUrl: z.string().max(1000, "The endpoint URL is at most 500 characters.").optional(),
  })
  .catchall(z.string().max(2000, "That is far too long for a host name."));

/** The configuration card's Save: method plus the chosen method's fields, all or nothing. */
export const saveConfigAction = formAction({ schema: configSchema, role: "admin" }, async (input, { user, db }) => {
  const subdomains: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k.startsWith("subdomain_") && typeof v === "string") subdomains[k.slice("subdomain_".length)] = v;
  }
  const { changes, noSubdomain } = await saveConfiguration(db, {
    merchantId: user.merchantId,
    userId: user.id,
    method: input.method,
    protocol: input.method === "api" ? input.protocol : undefined,
    appId: input.method === "api" && input.protocol === "rest" ? input.appId : undefined,
    tagEveryBuyer: input.method === "api" && input.protocol === "rest" ? input.tagEveryBuyer : undefined,
    apiKey: input.method === "api" ? input.apiKey : undefined,
    endpointUrl: input.method === "api" && input.protocol !== "rest" ? input.endpointUrl : undefined,
    subdomains: input.method === "pixel" ? subdomains : undefined,
  });
  revalidatePath(PATH);
  const saved = changes.length ? `Saved: ${changes.join(", ")}.` : "Nothing changed.";
  const warning = noSubdomain ? " No theme has an ONTRAPORT Sub-domain yet, so no pixel fires until you enter one." : "";
  return { ok: true, message: saved + warning, data: { savedAt: Date.now() } };
});

export const turnOffAction = action({ schema: z.object({ confirm: z.literal(true) }), role: "admin" }, async (_input, { user, db }) => {
  await setMethod(db, { merchantId: user.merchantId, userId: user.id, method: "off" });
  revalidatePath(PATH);
  return { ok: true, message: "The ONTRAPORT integration is off. Nothing is sent until you choose a method and save." };
});

export const clearKeyAction = action({ schema: z.object({ confirm: z.literal(true) }), role: "admin" }, async (_input, { user, db }) => {
  await clearApiKey(db, { merchantId: user.merchantId, userId: user.id });
  revalidatePath(PATH);
  return { ok: true, message: "The saved API key was removed." };
});

export const testConnectionAction = action({ schema: z.object({}), role: "admin" }, async (_input, { user, db }) => {
  const r = await testConnection(db, { merchantId: user.merchantId, userId: user.id });
  revalidatePath(PATH);
  return { ok: r.result === "valid", message: r.message, data: { result: r.result, code: r.code, message: r.message } };
});

export const regeneratePollingKeyAction = action({ schema: z.object({}), role: "admin" }, async (_input, { user, db }) => {
  await regeneratePollingKey(db, { merchantId: user.merchantId, userId: user.id });
  revalidatePath(PATH);
  return { ok: true, message: "A new polling key is ready. Give ONTRAPORT the new poll URL; the old key no longer works." };
});

const mappingSchema = z.object({
  changes: z
    .array(
      z.object({
        itemId: z.string().min(1).max(200),
        value: z.string().max(5000, "That product name is far too long.").optional(),
        tags: z.string().max(5000, "That is far too long for a list of tags.").optional(),
      }),
    )
    .max(MAX_CHANGES_PER_SAVE, `Save at most ${MAX_CHANGES_PER_SAVE} mappings at a time.`),
});

/** Saves only the rows the form changed; a bad row fails the whole save with the error beside it. */
export const saveMappingsAction = action({ schema: mappingSchema, role: "admin" }, async ({ changes }, { user, db }) => {
  const errors = validateMappingChanges(changes);
  const tagErrors = validateTagChanges(changes);
  const fieldErrors = { ...Object.fromEntries(Object.entries(errors).map(([id, e]) => [`mapping_${id}`, e])), ...Object.fromEntries(Object.entries(tagErrors).map(([id, e]) => [`tags_${id}`, e])) };
  const n = Object.keys(fieldErrors).length;
  if (n > 0) {
    return {
      error: n === 1 ? `Nothing was saved: ${Object.values(fieldErrors)[0]}` : `Nothing was saved: ${n} fields need attention.`,
      fieldErrors,
    };
  }
  const { saved } = await saveMappings(db, { merchantId: user.merchantId, userId: user.id, changes });
  revalidatePath(PATH);
  return { ok: true, message: saved === 1 ? "1 mapping saved." : `${saved} mappings saved.` };
});
