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

function formValues(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) {
    if (typeof v === "string" && !k.startsWith("$ACTION") && !/password|key$/i.test(k)) out[k.slice(0, 100)] = echoPrefix(v);
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
