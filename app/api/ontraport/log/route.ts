import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getLogHealth, listTransmissions } from "@/lib/ontraport/log/queries";
import { logQuerySchema, rangeOf } from "@/lib/ontraport/log/params";
import { errorResponse, invalidQuery, NO_STORE } from "../respond";

const healthSchema = z.object({ view: z.literal("health"), range: z.enum(["24h", "7d"]).default("24h") });

/** The Transmission Log as JSON for the dashboard's live table (`?view=health` for health at a glance). */
export async function GET(req: NextRequest) {
  try {
    const user = await requireSession("support");
    const params = Object.fromEntries(req.nextUrl.searchParams.entries());
    const db = await getDb();
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
  } catch (e) {
    return errorResponse(e);
  }
}
