import "server-only";
import { echoPrefix } from "@/lib/validation";
import { z } from "zod";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import type { Role } from "@/lib/auth/config";
import { AuthError, requireSession, type SessionUser } from "@/lib/auth/session";
import { getDb, type Db } from "@/lib/db/client";
import { UserError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * What every server action returns: never throws to the browser. On failure it carries a message,
 * per-field errors, and the values the user typed so the form can show them again.
 */
export interface ActionState<T = unknown> {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  data?: T;
}

export const initialActionState: ActionState = {};

interface Ctx {
  user: SessionUser;
  db: Db;
}

function formValues(formData: FormData, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) {
    if (typeof v === "string" && !k.startsWith("$ACTION") && !/password|key$/i.test(k) && !omit.includes(k)) out[k.slice(0, 100)] = echoPrefix(v);
  }
  return out;
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}

function failure(e: unknown, values?: Record<string, string>): ActionState {
  if (isRedirectError(e)) throw e;
  if (e instanceof AuthError) return { error: e.message, values };
  if (e instanceof UserError) return { error: e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined, values };
  log("error", "action failed", { error: e instanceof Error ? e.message : String(e) });
  return { error: "Something went wrong and nothing was saved. Try again; if it keeps happening, check the server log.", values };
}

/** Every action made by these wrappers carries the role it requires, so a sweep test can check them all. */
export interface GuardedAction {
  requiredRole: Role;
}

function guard<F extends object>(fn: F, role: Role): F & GuardedAction {
  return Object.assign(fn, { requiredRole: role });
}

/**
 * A server action bound to a `<form>` via useActionState: checks the session and role, parses the
 * form with zod, and turns every failure into an ActionState.
 */
export function formAction<S extends z.ZodType, R = unknown>(
  opts: { schema: S; role: Role },
  fn: (input: z.infer<S>, ctx: Ctx) => Promise<ActionState<R> | void>,
): ((prev: ActionState, formData: FormData) => Promise<ActionState>) & GuardedAction {
  return guard(async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    try {
      const user = await requireSession(opts.role);
      const parsed = opts.schema.safeParse(Object.fromEntries(formData.entries()));
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error);
        return { error: fieldErrors._form ?? "Some fields need attention.", fieldErrors, values };
      }
      const db = await getDb();
      const result = await fn(parsed.data, { user, db });
      return result ?? { ok: true };
    } catch (e) {
      return failure(e, values);
    }
  }, opts.role);
}

/** A server action called with a plain object (buttons, menus, client components). */
export function action<S extends z.ZodType, R = unknown>(
  opts: { schema: S; role: Role },
  fn: (input: z.infer<S>, ctx: Ctx) => Promise<ActionState<R> | void>,
): ((input: z.input<S>) => Promise<ActionState<R>>) & GuardedAction {
  return guard(async (input: z.input<S>): Promise<ActionState<R>> => {
    try {
      const user = await requireSession(opts.role);
      const parsed = opts.schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error);
        return { error: fieldErrors._form ?? Object.values(fieldErrors)[0] ?? "Invalid input.", fieldErrors };
      }
      const db = await getDb();
      const result = await fn(parsed.data, { user, db });
      return (result ?? { ok: true }) as ActionState<R>;
    } catch (e) {
      return failure(e) as ActionState<R>;
    }
  }, opts.role);
}

/**
 * What a public action answers: its own state type (ActionState, or a narrower one such as the
 * StoreFront's AddToCartState) as long as errors fit in these fields.
 */
export interface PublicState {
  ok?: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

/** Every action made by publicAction carries why it needs no session, so the sweep test can tell it from a forgotten guard. */
export interface PublicAction {
  publicReason: string;
}

interface PublicOpts<S extends z.ZodType, St extends PublicState> {
  schema: S;
  /** Why anonymous callers may use it (read by lib/security/action-sweep.test.ts). */
  why: string;
  /** Echo the typed values back with errors (so the form can show them again), leaving out these fields as well as passwords and keys. */
  echo?: { omit?: readonly string[] };
  /** The answer to a form that fails the schema; by default the first form-level error or "Some fields need attention." with the fields. */
  invalid?: (fieldErrors: Record<string, string>, values: Record<string, string> | undefined) => St;
  /** The answer to an unexpected error (which is logged with `logAs`): a message that says nothing of the server. */
  unexpected: string;
  logAs: string;
}

interface PublicCtx {
  db: Db;
  /** The echoed values (when `echo` is set), for answers the action makes itself. */
  values: Record<string, string> | undefined;
}

/**
 * The one wrapper for anonymous server actions (the StoreFront's shoppers, signing in and out): no session, the
 * form parsed with zod, user errors (UserError, and any error with a 4xx `status` such as TooManyAttempts)
 * answered as values, redirects rethrown, anything else logged and answered
 * with `unexpected`. Form actions used with useActionState take (prev, formData); with `answer: false`
 * it makes a plain `<form action>` that answers nothing.
 */
export function publicAction<S extends z.ZodType>(
  opts: Omit<PublicOpts<S, PublicState>, "invalid" | "echo"> & { answer: false },
  fn: (input: z.infer<S>, ctx: PublicCtx) => Promise<void>,
): ((formData: FormData) => Promise<void>) & PublicAction;
export function publicAction<S extends z.ZodType, St extends PublicState = ActionState>(
  opts: PublicOpts<S, St>,
  fn: (input: z.infer<S>, ctx: PublicCtx) => Promise<St>,
): ((prev: St, formData: FormData) => Promise<St>) & PublicAction;
export function publicAction<S extends z.ZodType, St extends PublicState>(
  opts: PublicOpts<S, St> & { answer?: false },
  fn: (input: z.infer<S>, ctx: PublicCtx) => Promise<St | void>,
): (((prev: St, formData: FormData) => Promise<St | void>) | ((formData: FormData) => Promise<St | void>)) & PublicAction {
  const run = async (formData: FormData): Promise<St | PublicState | void> => {
    const values = opts.echo ? formValues(formData, opts.echo.omit) : undefined;
    try {
      const parsed = opts.schema.safeParse(Object.fromEntries(formData.entries()));
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error);
        return opts.invalid ? opts.invalid(fieldErrors, values) : { error: fieldErrors._form ?? "Some fields need attention.", fieldErrors, values };
      }
      return await fn(parsed.data, { db: await getDb(), values });
    } catch (e) {
      if (isRedirectError(e)) throw e;
      if (e instanceof UserError) return { error: e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined, values };
      if (isRefusal(e)) return { error: e.message, values };
      log("error", opts.logAs, { error: e instanceof Error ? e.message : String(e) });
      return { error: opts.unexpected, values };
    }
  };
  const marker: PublicAction = { publicReason: opts.why };
  if (opts.answer === false) {
    return Object.assign(async (formData: FormData): Promise<void> => {
      await run(formData);
    }, marker);
  }
  return Object.assign(async (_prev: St, formData: FormData) => (await run(formData)) as St, marker);
}

/** An error that refuses the caller in words meant for them (TooManyAttempts: status 429), as opposed to a fault. */
function isRefusal(e: unknown): e is Error & { status: number } {
  return e instanceof Error && "status" in e && typeof e.status === "number" && e.status >= 400 && e.status < 500;
}
