"use client";

import { useEffect, useId, useLayoutEffect, useRef, useState, type MouseEvent } from "react";
import { AlertCircle } from "lucide-react";

/**
 * The one place a refused submit is announced (GOV.UK "error summary" pattern). Put it first inside
 * the <form>.
 *
 * The rule, the same in every form:
 * - After the SERVER refuses a submit, this box appears at the top of the form and takes focus
 *   (tabIndex=-1), also when there is a single error, so a screen reader reads the problem once.
 * - After the BROWSER refuses a submit (react-hook-form with the server's zod schema), focus goes to
 *   the first invalid field instead (its label and error are read); the box is shown without taking focus.
 * - It lists one link per field error, in the order the fields appear in the form; following a link
 *   moves focus to that field. The message under each field stays (visible, aria-describedby,
 *   aria-invalid) but is never a live region, so N errors are not N alerts.
 * - A form-level error (one without a field it can link to) is shown here, once, as text. The generic
 *   "Some fields need attention." that comes with field errors is not repeated: the heading says it.
 */
export function ErrorSummary({
  error,
  fieldErrors,
  takeFocus = true,
  answer,
}: {
  /** The form-level message (ActionState.error). */
  error?: string;
  /** Field name → message (ActionState.fieldErrors, or the browser's own check). */
  fieldErrors?: Record<string, string | undefined>;
  /** False after a browser-side refusal: the first invalid field has focus instead. */
  takeFocus?: boolean;
  /** The server's answer (ActionState): a new answer takes focus again, even with the same message. */
  answer?: unknown;
}) {
  const box = useRef<HTMLDivElement>(null);
  const headingId = useId();
  const errors = cleanErrors(fieldErrors);
  const [targets, setTargets] = useState<Target[] | null>(null);

  // Where each error's field is in the form (DOM order), read before paint; the state changes only
  // when the fields do (a caller's fresh `{}` each render does not loop).
  useLayoutEffect(() => {
    const form = box.current?.closest("form") ?? null;
    const next = Object.keys(cleanErrors(fieldErrors)).map((name) => targetOf(form, name));
    setTargets((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
  }, [fieldErrors]);

  // Focus on each refusal (each answer is a new `fieldErrors` object), not on unrelated renders.
  useEffect(() => {
    if (takeFocus && (error || Object.values(fieldErrors ?? {}).some(Boolean))) box.current?.focus();
  }, [fieldErrors, error, takeFocus, answer]);

  const { formLevel, links } = summaryEntries(error, errors, targets);
  if (!formLevel.length && !links.length) return null;

  const follow = (e: MouseEvent<HTMLAnchorElement>, name: string) => {
    const el = focusableOf(box.current?.closest("form") ?? null, name);
    if (!el) return;
    e.preventDefault();
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  };

  return (
    <div ref={box} tabIndex={-1} role="region" aria-labelledby={headingId} className="rounded-md border-2 border-red-600 bg-white p-4 focus:outline-none focus-visible:ring-4 focus-visible:ring-red-200">
      <h2 id={headingId} className="flex items-center gap-2 text-base font-semibold text-red-800">
        <AlertCircle className="size-5 shrink-0" aria-hidden="true" />
        There is a problem
      </h2>
      {formLevel.map((m) => (
        <p key={m} className="mt-2 text-sm text-zinc-800">
          {m}
        </p>
      ))}
      {links.length > 0 && (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
          {links.map((l) => (
            <li key={l.name}>
              <a href={l.href} onClick={(e) => follow(e, l.name)} className="font-medium text-red-700 underline underline-offset-2 hover:text-red-900">
                {l.message}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Where a field error points: its index among the form's controls and the id to link to, or none. */
export interface Target {
  name: string;
  index: number;
  href: string;
}

function cleanErrors(fieldErrors?: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors ?? {})) if (v) out[k] = v;
  return out;
}

function focusableOf(form: HTMLFormElement | null, name: string): HTMLElement | null {
  if (!form) return null;
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLElement) || el.getAttribute("name") !== name) continue;
    if (el instanceof HTMLInputElement && el.type === "hidden") continue;
    if (el instanceof HTMLInputElement && el.type === "radio") {
      const checked = form.querySelector<HTMLInputElement>(`input[type=radio][name="${CSS.escape(name)}"]:checked`);
      return checked ?? el;
    }
    return el;
  }
  return null;
}

function targetOf(form: HTMLFormElement | null, name: string): Target {
  const el = focusableOf(form, name);
  if (!form || !el) return { name, index: -1, href: "" };
  return { name, index: Array.from(form.elements).indexOf(el as Element), href: el.id ? `#${el.id}` : "#" };
}

/**
 * What the summary lists: form-level messages (errors without a field on the page, or `error` when no
 * field error explains it), then one link per field error in form order. No message twice.
 * Before the form has been read (`targets` null), fields keep the order they came in.
 */
export function summaryEntries(error: string | undefined, errors: Record<string, string>, targets: Target[] | null) {
  const byName = new Map((targets ?? []).map((t) => [t.name, t]));
  const names = Object.keys(errors);
  const linked = names.filter((n) => (targets ? (byName.get(n)?.index ?? -1) >= 0 : n !== "_form"));
  linked.sort((a, b) => (byName.get(a)?.index ?? 0) - (byName.get(b)?.index ?? 0));
  const shown = new Set<string>();
  const links: Array<{ name: string; message: string; href: string }> = [];
  for (const n of linked) links.push({ name: n, message: errors[n]!, href: byName.get(n)?.href || "#" });
  for (const l of links) shown.add(l.message);
  const formLevel: string[] = [];
  const unlinked = names.filter((n) => !linked.includes(n)).map((n) => errors[n]!);
  const candidates = names.length === 0 && error ? [error] : unlinked;
  for (const m of candidates) {
    if (shown.has(m)) continue;
    shown.add(m);
    formLevel.push(m);
  }
  return { formLevel, links };
}
