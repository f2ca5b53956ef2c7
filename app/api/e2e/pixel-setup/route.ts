import { NextResponse } from "next/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { AuthError, requireSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { auditLog, ontraportConfigs, themes } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { isPixelHost } from "@/lib/ontraport/pixel";

const body = z.object({
  method: z.enum(["off", "api", "pixel"]),
  themeCode: z.string().regex(/^[A-Z0-9_-]{1,32}$/),
  subdomain: z.string().max(253).nullable(),
});

/**
 * End-to-end tests only (404 unless the server runs with E2E=true, as playwright.config starts it):
 * lets e2e/pixel.spec.ts set the integration method and one theme's ONTRAPORT Sub-domain for the
 * signed-in admin's own store, and returns the previous values so the spec can restore them.
 * The ONTRAPORT configuration page is the real way to change these.
 */
export async function POST(req: Request) {
  if (process.env.E2E !== "true") return new NextResponse("Not found", { status: 404 });
  try {
    const user = await requireSession("admin");
    const parsed = body.safeParse(await req.json().catch(() => null));
    if (!parsed.success) return NextResponse.json({ error: "invalid input" }, { status: 400 });
    const { method, themeCode, subdomain } = parsed.data;
    if (subdomain !== null && !isPixelHost(subdomain, env().CARTLINK_ALLOW_LOCAL_ONTRAPORT === "true")) return NextResponse.json({ error: "not a valid host name" }, { status: 400 });
    const db = await getDb();
    const previous = await db.transaction(async (tx) => {
      const [theme] = await tx.select().from(themes).where(and(eq(themes.merchantId, user.merchantId), eq(themes.code, themeCode)));
      if (!theme) return null;
      const [cfg] = await tx.select({ method: ontraportConfigs.method }).from(ontraportConfigs).where(eq(ontraportConfigs.merchantId, user.merchantId));
      await tx
        .insert(ontraportConfigs)
        .values({ merchantId: user.merchantId, method, enabledAt: new Date() })
        .onConflictDoUpdate({ target: ontraportConfigs.merchantId, set: { method, updatedAt: new Date() } });
      await tx.update(themes).set({ ontraportSubdomain: subdomain }).where(eq(themes.id, theme.id));
      await tx.insert(auditLog).values({ merchantId: user.merchantId, userId: user.id, action: "e2e.pixel_setup", target: `Theme ${themeCode}`, detail: { method, subdomain } });
      return { method: cfg?.method ?? "off", subdomain: theme.ontraportSubdomain };
    });
    if (!previous) return NextResponse.json({ error: "no such theme" }, { status: 404 });
    return NextResponse.json({ previous });
  } catch (e) {
    if (e instanceof AuthError) return NextResponse.json({ error: e.message }, { status: e.status });
    throw e;
  }
}
