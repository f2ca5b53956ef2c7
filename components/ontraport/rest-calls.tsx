"use client";

import type { AttemptView, RestCallView } from "@/lib/ontraport/log/queries";

/** JSON shown indented; anything that is not JSON as it came. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Call({ c, n }: { c: RestCallView; n: number }) {
  const ok = c.status !== null && c.status >= 200 && c.status < 300;
  const sent = c.request ?? c.query;
  return (
    <li className="rounded-md border border-zinc-200">
      <details>
        <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-3 py-1.5 text-sm">
          <span className="text-zinc-500">{n}.</span>
          <span className="font-mono font-medium text-zinc-900">
            {c.method} /1{c.path}
          </span>
          <span className={ok ? "text-emerald-700" : "text-red-700"}>{c.status ?? c.error ?? "No answer"}</span>
          <span className="text-xs text-zinc-500">{c.durationMs} ms</span>
        </summary>
        <div className="grid gap-2 border-t border-zinc-100 p-3 md:grid-cols-2">
          <div>
            <h5 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600">{c.request ? "Request JSON" : "Query"}</h5>
            <pre tabIndex={0} className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 text-xs" aria-label={`Request of call ${n}`}>
              {sent ? JSON.stringify(sent, null, 2) : "(none)"}
            </pre>
          </div>
          <div>
            <h5 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600">Response</h5>
            <pre tabIndex={0} className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 text-xs" aria-label={`Response of call ${n}`}>
              {c.response ? pretty(c.response) : (c.error ?? "(no answer)")}
            </pre>
          </div>
        </div>
      </details>
    </li>
  );
}

/**
 * A REST transmission's calls, attempt by attempt (newest first): method, path, status and time,
 * each opening to its JSON request and ONTRAPORT's answer. The key is a header and never stored.
 */
export function RestCalls({ attempts }: { attempts: AttemptView[] }) {
  const withCalls = attempts.filter((a) => a.calls !== null).reverse();
  return (
    <section aria-labelledby="tx-calls" className="space-y-3">
      <h3 id="tx-calls" className="text-sm font-semibold text-zinc-900">
        Calls to ONTRAPORT&apos;s REST API
      </h3>
      {withCalls.length === 0 ? (
        <p className="text-sm text-zinc-600">No call yet.</p>
      ) : (
        withCalls.map((a) => {
          const notes = a.requestPayload
            .split("\n")
            .filter((l) => l.startsWith("Note: "))
            .map((l) => l.slice(6));
          return (
            <div key={a.attemptNo} className="space-y-1">
              <h4 className="text-xs font-semibold text-zinc-700">
                Attempt {a.attemptNo}: {a.calls!.length} call{a.calls!.length === 1 ? "" : "s"}
                {a.error ? <span className="font-normal text-red-700"> — {a.error}</span> : null}
              </h4>
              {notes.map((n) => (
                <p key={n} className="text-xs text-zinc-600">
                  {n}
                </p>
              ))}
              <ol className="space-y-1">
                {a.calls!.map((c, i) => (
                  <Call key={i} c={c} n={i + 1} />
                ))}
              </ol>
            </div>
          );
        })
      )}
      <p className="text-xs text-zinc-500">The App ID and API key travel as headers; the key is never stored, so it never appears here.</p>
    </section>
  );
}
