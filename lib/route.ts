import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import type { Role } from "@/lib/auth/config";
import { AuthError, requireSession, type SessionUser } from "@/lib/auth/session";
import { getDb, type Db } from "@/lib/db/client";
import { UserError } from "@/lib/errors";
import { log } from "@/lib/log";

// The one wrapper for authenticated route handlers, as `action()` is for server actions: the session
// and its role, the path segments and the query checked with zod, and every error turned into a JSON
// answer in one place (401/403, 404 for segments that cannot name anything, 400 with the fields, the
// status of a UserError, else a 500 in words that is logged).

export const NO_STORE = { "Cache-Control": "no-store" };

/** The typed errors of lib/ as JSON answers; anything else is a logged 500 in words. */
export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AuthError) return NextResponse.json({ error: e.message }, { status: e.status });
  if (e instanceof UserError) return NextResponse.json({ error: e.message }, { status: e.status });
  log("error", "route handler failed", { error: e instanceof Error ? e.message : String(e) });
  return NextResponse.json({ error: "Something went wrong on the server. Try again." }, { status: 500 });
}

export function invalidQuery(error: z.ZodError): NextResponse {
  return NextResponse.json({ error: "The query is not valid.", fieldErrors: Object.fromEntries(error.issues.map((i) => [i.path.join("."), i.message])) }, { status: 400 });
}

export interface RouteContext<P, Q> {
  req: NextRequest;
  params: P;
  query: Q;
  user: SessionUser;
  db: Db;
}

type Segments = { params: Promise<Record<string, string | string[] | undefined>> };

export function route<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, string>>>(
  opts: {
    role: Role;
    /** The path segments; a mismatch answers 404 with `notFound` (a malformed id names nothing). */
    params?: P;
    notFound?: string;
    /** The query string; a mismatch answers 400 with the fields. */
    query?: Q;
  },
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>>) => Promise<Response>,
): (req: NextRequest, segments?: Segments) => Promise<Response> {
  return async (req, segments) => {
    try {
      const user = await requireSession(opts.role);
      const rawParams = segments?.params ? await segments.params : {};
      let params = rawParams as z.infer<P>;
      if (opts.params) {
        const p = opts.params.safeParse(rawParams);
        if (!p.success) return NextResponse.json({ error: opts.notFound ?? "Not found." }, { status: 404 });
        params = p.data as z.infer<P>;
      }
      const rawQuery = Object.fromEntries(req.nextUrl.searchParams.entries());
      let query = rawQuery as z.infer<Q>;
      if (opts.query) {
        const q = opts.query.safeParse(rawQuery);
        if (!q.success) return invalidQuery(q.error);
        query = q.data as z.infer<Q>;
      }
      return await handler({ req, params, query, user, db: await getDb() });
    } catch (e) {
      return errorResponse(e);
    }
  };
}
