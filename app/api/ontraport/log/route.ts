import { NextResponse } from "next/server";
import { z } from "zod";
import { getLogHealth, listTransmissions } from "@/lib/ontraport/log/queries";
import { logQuerySchema, rangeOf } from "@/lib/ontraport/log/params";
import { invalidQuery, NO_STORE, route } from "@/lib/route";

const healthSchema = z.object({ view: z.literal("health"), range: z.enum(["24h", "7d"]).default("24h") });

/** The Transmission Log as JSON for the dashboard's live table (`?view=health` for health at a glance). */
export const GET = route({ role: "support" }, async ({ query: params, user, db }) => {
  if (params.view !== undefined) {
    const parsed = healthSchema.safeParse(params);
    if (!parsed.success) return invalidQuery(parsed.error);
    return NextResponse.json(await getLogHealth(db, { merchantId: user.merchantId, range: parsed.data.range }), { headers: NO_STORE });
  }
  const parsed = logQuerySchema.safeParse(params);
  if (!parsed.success) return invalidQuery(parsed.error);
  const q = parsed.data;
  const page = await listTransmissions(db, {
    merchantId: user.merchantId,
    type: q.type,
    status: q.status,
    ...rangeOf(q),
    q: q.q,
    cursor: q.cursor,
    direction: q.dir,
    seenNewest: q.seen,
  });
  return NextResponse.json(page, { headers: NO_STORE });
});
