import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

export const inputClass =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100 aria-[invalid=true]:border-red-500 disabled:bg-zinc-100";

interface FieldShell {
  label: ReactNode;
  help?: ReactNode;
  error?: string;
  className?: string;
}

/**
 * Label above, help under, error under in words, wired with aria-describedby and aria-invalid. The error
 * is not a live region: the form's ErrorSummary (error-summary.tsx) announces a refusal once.
 */
function Shell({ id, label, help, error, className, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {help && !error && (
        <p id={`${id}-help`} className="text-xs text-zinc-500">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, help?: ReactNode, error?: string) {
  return error ? `${id}-error` : help ? `${id}-help` : undefined;
}

export const TextField = forwardRef<HTMLInputElement, FieldShell & InputHTMLAttributes<HTMLInputElement>>(function TextField(
  { label, help, error, className, id: given, ...rest },
  ref,
) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Shell id={id} label={label} help={help} error={error} className={className}>
      <input ref={ref} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, help, error)} className={inputClass} {...rest} />
    </Shell>
  );
});

export const SelectField = forwardRef<HTMLSelectElement, FieldShell & SelectHTMLAttributes<HTMLSelectElement>>(function SelectField(
  { label, help, error, className, id: given, children, ...rest },
  ref,
) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Shell id={id} label={label} help={help} error={error} className={className}>
      <select ref={ref} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, help, error)} className={inputClass} {...rest}>
        {children}
      </select>
    </Shell>
  );
});

export const TextAreaField = forwardRef<HTMLTextAreaElement, FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>>(function TextAreaField(
  { label, help, error, className, id: given, ...rest },
  ref,
) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <Shell id={id} label={label} help={help} error={error} className={className}>
      <textarea ref={ref} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, help, error)} className={inputClass} {...rest} />
    </Shell>
  );
});

/**
 * A form-level message: a success note (role=status), or an error outside a form with an ErrorSummary
 * (forms with fields use ErrorSummary for their errors, so no message is shown twice).
 */
export function FormMessage({ error, message }: { error?: string; message?: string }) {
  if (error)
    return (
      <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        {error}
      </div>
    );
  if (message)
    return (
      <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
        {message}
      </div>
    );
  return null;
}
