import { NextResponse } from "next/server";
import { z } from "zod";
import { getTransmissionStatuses, RESEND_FAILED_LIMIT } from "@/lib/ontraport/log/queries";
import { NO_STORE, route } from "@/lib/route";

const querySchema = z.object({
  ids: z
    .string()
    .max(RESEND_FAILED_LIMIT * 37)
    .default("")
    .transform((v) => v.split(",").filter(Boolean))
    .pipe(z.array(z.string().uuid()).max(RESEND_FAILED_LIMIT)),
});

/** `?ids=a,b,…`: where these transmissions stand now (Resend failed follows its rows to delivery). Another merchant's ids are left out; no ids, no rows. */
export const GET = route({ role: "support", query: querySchema }, async ({ query, user, db }) => {
  const rows = await getTransmissionStatuses(db, { merchantId: user.merchantId, ids: query.ids });
  return NextResponse.json({ rows }, { headers: NO_STORE });
});
