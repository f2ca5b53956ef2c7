import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getTransmissionStatuses, RESEND_FAILED_LIMIT } from "@/lib/ontraport/log/queries";
import { errorResponse, invalidQuery, NO_STORE } from "../respond";

const querySchema = z.object({
  ids: z
    .string()
    .max(RESEND_FAILED_LIMIT * 37)
    .default("")
    .transform((v) => v.split(",").filter(Boolean))
    .pipe(z.array(z.string().uuid()).max(RESEND_FAILED_LIMIT)),
});

/** `?ids=a,b,…`: where these transmissions stand now (Resend failed follows its rows to delivery). Another merchant's ids are left out; no ids, no rows. */
export async function GET(req: NextRequest) {
  try {
    const user = await requireSession("support");
    const q = querySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    if (!q.success) return invalidQuery(q.error);
    const rows = await getTransmissionStatuses(await getDb(), { merchantId: user.merchantId, ids: q.data.ids });
    return NextResponse.json({ rows }, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
