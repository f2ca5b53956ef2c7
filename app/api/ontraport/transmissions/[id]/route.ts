import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { getKeyState, getTransmission } from "@/lib/ontraport/log/queries";
import { supportDetails } from "@/lib/ontraport/log/support-details";
import { prettyXmlText } from "@/lib/ontraport/xml/view";
import { errorResponse, invalidQuery, NO_STORE } from "../../respond";

const paramsSchema = z.object({ id: z.string().uuid() });
const querySchema = z.object({ format: z.enum(["json", "xml"]).default("json") });

/** One transmission with its attempts and support details; `?format=xml` downloads the request. */
export async function GET(req: NextRequest, ctx: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireSession("support");
    const p = paramsSchema.safeParse(await ctx.params);
    // A malformed id cannot be any merchant's transmission.
    if (!p.success) return NextResponse.json({ error: "No such transmission in your store." }, { status: 404 });
    const q = querySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    if (!q.success) return invalidQuery(q.error);
    const db = await getDb();
    const t = await getTransmission(db, { merchantId: user.merchantId, id: p.data.id });
    if (q.data.format === "xml") {
      const name = `transmission-${t.orderId ?? t.type}-${t.id.slice(0, 8)}.xml`.replace(/[^A-Za-z0-9._-]/g, "_");
      return new NextResponse(prettyXmlText(t.payload), {
        headers: { ...NO_STORE, "Content-Type": "application/xml; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "X-Content-Type-Options": "nosniff" },
      });
    }
    const key = await getKeyState(db, { merchantId: user.merchantId });
    const details = supportDetails({
      merchant: { id: user.merchantId, name: user.merchantName },
      method: key.method,
      keyFingerprint: key.keyFingerprint,
      protocol: key.protocol,
      appId: key.appId,
      publicUrl: env().CARTLINK_PUBLIC_URL ?? req.nextUrl.origin,
      transmission: t,
      order: t.order,
    });
    return NextResponse.json({ ...t, supportDetails: details }, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
