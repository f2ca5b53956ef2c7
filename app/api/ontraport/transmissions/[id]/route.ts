import { NextResponse } from "next/server";
import { z } from "zod";
import { env } from "@/lib/env";
import { getKeyState, getTransmission } from "@/lib/ontraport/log/queries";
import { supportDetails } from "@/lib/ontraport/log/support-details";
import { prettyXmlText } from "@/lib/ontraport/xml/view";
import { NO_STORE, route } from "@/lib/route";

const paramsSchema = z.object({ id: z.string().uuid() });
const querySchema = z.object({ format: z.enum(["json", "xml"]).default("json") });

/** One transmission with its attempts and support details; `?format=xml` downloads the request. */
export const GET = route(
  // A malformed id cannot be any merchant's transmission.
  { role: "support", params: paramsSchema, notFound: "No such transmission in your store.", query: querySchema },
  async ({ req, params, query, user, db }) => {
    const t = await getTransmission(db, { merchantId: user.merchantId, id: params.id });
    if (query.format === "xml") {
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
  },
);
