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

/** The path segments and query of a request, checked with zod; a Response when they do not match. */
async function readRequest<P extends z.ZodType, Q extends z.ZodType>(
  req: NextRequest,
  segments: Segments | undefined,
  opts: { params?: P; notFound?: string; query?: Q },
  answer: ErrorFormat,
): Promise<{ params: z.infer<P>; query: z.infer<Q> } | Response> {
  const rawParams = segments?.params ? await segments.params : {};
  let params = rawParams as z.infer<P>;
  if (opts.params) {
    const p = opts.params.safeParse(rawParams);
    if (!p.success) return answer(404, opts.notFound ?? "Not found.");
    params = p.data as z.infer<P>;
  }
  const rawQuery = Object.fromEntries(req.nextUrl.searchParams.entries());
  let query = rawQuery as z.infer<Q>;
  if (opts.query) {
    const q = opts.query.safeParse(rawQuery);
    if (!q.success) return answer(400, "The query is not valid.", Object.fromEntries(q.error.issues.map((i) => [i.path.join("."), i.message])));
    query = q.data as z.infer<Q>;
  }
  return { params, query };
}

/** How a route words its errors: JSON `{ error, fieldErrors }` unless the protocol wants another body (the item poll's XML). */
export type ErrorFormat = (status: number, message: string, fieldErrors?: Record<string, string>) => Response;

const jsonError: ErrorFormat = (status, message, fieldErrors) => NextResponse.json(fieldErrors ? { error: message, fieldErrors } : { error: message }, { status });

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
): ((req: NextRequest, segments?: Segments) => Promise<Response>) & { requiredRole: Role } {
  return Object.assign(
    async (req: NextRequest, segments?: Segments) => {
      try {
        const user = await requireSession(opts.role);
        const read = await readRequest(req, segments, opts, jsonError);
        if (read instanceof Response) return read;
        return await handler({ ...read, req, user, db: await getDb() });
      } catch (e) {
        return errorResponse(e);
      }
    },
    // Marked like the actions' wrappers, so lib/security/route-sweep.test.ts can check every handler.
    { requiredRole: opts.role },
  );
}

export interface PublicRouteContext<P, Q> {
  req: NextRequest;
  params: P;
  query: Q;
  /** The database, opened on first use (the ref route needs none; the health check answers when it cannot open). */
  db: () => Promise<Db>;
}

/** Public route handlers are marked, as public actions are, so a reader (or a sweep) can tell them from a forgotten route(). */
export interface PublicRoute {
  publicReason: string;
}

/**
 * The one wrapper for route handlers that answer without a session (the health check, ONTRAPORT's item
 * poll with its polling key, the StoreFront's ref links): path segments and query checked with zod, and
 * every error answered in one place — a UserError (or any error with a 4xx `status`) with its status and
 * message, anything else a logged 500 in words — in JSON, or in the body `format` makes.
 */
export function publicRoute<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, string>>>(
  opts: {
    /** Why no session is needed. */
    why: string;
    params?: P;
    notFound?: string;
    query?: Q;
    format?: ErrorFormat;
  },
  handler: (ctx: PublicRouteContext<z.infer<P>, z.infer<Q>>) => Promise<Response>,
): ((req: NextRequest, segments?: Segments) => Promise<Response>) & PublicRoute {
  const answer = opts.format ?? jsonError;
  return Object.assign(
    async (req: NextRequest, segments?: Segments) => {
      try {
        const read = await readRequest(req, segments, opts, answer);
        if (read instanceof Response) return read;
        return await handler({ ...read, req, db: getDb });
      } catch (e) {
        if (e instanceof UserError) return answer(e.status, e.message, e.field ? { [e.field]: e.message } : undefined);
        if (e instanceof Error && "status" in e && typeof e.status === "number" && e.status >= 400 && e.status < 500) return answer(e.status, e.message);
        log("error", "route handler failed", { error: e instanceof Error ? e.message : String(e) });
        return answer(500, "Something went wrong on the server. Try again.");
      }
    },
    { publicReason: opts.why },
  );
}
