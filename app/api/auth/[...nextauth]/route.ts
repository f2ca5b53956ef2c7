import { handlers } from "@/lib/auth";
import { signInLimited } from "@/lib/auth/sign-in-limit";
import { publicRoute } from "@/lib/route";

const why = "next-auth's own endpoints (sign-in page data, CSRF token, credentials callback) are what an anonymous visitor signs in through";

export const GET = publicRoute({ why }, ({ req }) => handlers.GET(req));

/** next-auth's own endpoints; a direct credentials sign-in meets the sign-in limits first (429). */
export const POST = publicRoute({ why }, async ({ req }) => (await signInLimited(req)) ?? handlers.POST(req));
