"use client";

import { useActionState, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge, type Tone } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorSummary } from "@/components/ui/error-summary";
import { FormMessage, TextField } from "@/components/ui/field";
import { UnsavedChangesGuard } from "@/components/ui/unsaved-changes";
import type { ActionState } from "@/lib/actions";
import { normalizeSubdomain, pixelUrlExample } from "@/lib/ontraport/config/subdomain";
import { clearKeyAction, saveConfigAction, testConnectionAction } from "./actions";

/** Everything the form may know: a mask and dates, never the key. */
export interface MethodFormProps {
  readOnly: boolean;
  allowLocal: boolean;
  method: "off" | "api" | "pixel";
  protocol: "rest" | "xml";
  appId: string | null;
  tagEveryBuyer: string;
  hasKey: boolean;
  keyMask: string;
  keyFingerprint: string | null;
  keySetAt: string | null;
  keySetBy: string | null;
  keyStatus: "untested" | "valid" | "stale";
  keyStatusAt: string | null;
  keyStatusCode: number | null;
  endpointUrl: string | null;
  defaultEndpoint: string;
  pausedAt: string | null;
  pausedReason: string | null;
  themes: Array<{ code: string; name: string; subdomain: string | null }>;
}

const KEY_STATUS: Record<MethodFormProps["keyStatus"], { tone: Tone; label: string }> = {
  untested: { tone: "muted", label: "Untested" },
  valid: { tone: "success", label: "Valid" },
  stale: { tone: "danger", label: "Stale" },
};

type TestResult = { result: string; code: number | null; message: string };

/** Text fields changed from what the page loaded (a controlled field names its saved value in data-initial). */
function changedTextFields(form: HTMLFormElement | null): number {
  let n = 0;
  for (const el of Array.from(form?.elements ?? [])) {
    if (!(el instanceof HTMLInputElement) || !el.name || el.type === "hidden" || el.type === "radio" || el.type === "checkbox") continue;
    if (el.value !== (el.dataset.initial ?? el.defaultValue)) n++;
  }
  return n;
}

export function MethodForm(p: MethodFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  // Unsaved text fields, counted as the user types (the radios are compared below).
  const [typed, setTyped] = useState(0);
  const [state, submit, pending] = useActionState<ActionState, FormData>(async (prev, fd) => {
    const r = await saveConfigAction(prev, fd);
    if (r.ok) {
      toast.success(r.message ?? "Saved.");
      setTyped(0);
    }
    return r;
  }, {});
  const v = state.values ?? {};
  const f = state.fieldErrors ?? {};
  const [method, setMethod] = useState<"api" | "pixel" | null>((v.method as "api" | "pixel" | undefined) ?? (p.method === "off" ? null : p.method));
  const [protocol, setProtocol] = useState<"rest" | "xml">((v.protocol as "rest" | "xml" | undefined) ?? p.protocol);
  const [confirmClear, setConfirmClear] = useState(false);
  const [testing, startTest] = useTransition();
  const [busy, startBusy] = useTransition();
  const [, startSave] = useTransition();
  const [test, setTest] = useState<TestResult | null>(null);
  const formKey = state.ok ? String((state.data as { savedAt?: number } | undefined)?.savedAt ?? "saved") : "form";

  const runTest = () =>
    startTest(async () => {
      const r = await testConnectionAction({});
      const d = r.data as TestResult | undefined;
      if (d) setTest(d);
      else toast.error(r.error ?? "The test could not run.");
      router.refresh();
    });

  const clearKey = () =>
    startBusy(async () => {
      const r = await clearKeyAction({ confirm: true });
      setConfirmClear(false);
      if (r.error) toast.error(r.error);
      else toast.success(r.message ?? "Removed.");
    });

  const status = KEY_STATUS[p.keyStatus];
  const savedMethod = p.method === "off" ? null : p.method;
  const unsaved = p.readOnly ? 0 : typed + (method !== savedMethod ? 1 : 0) + (method === "api" && protocol !== p.protocol ? 1 : 0);

  return (
    <form
      ref={formRef}
      onChange={() => setTyped(changedTextFields(formRef.current))}
      // Submitted by hand: React's automatic reset after a form action would put the radios back to
      // their first state while the shown fields follow the chosen method.
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        startSave(() => submit(fd));
      }}
      noValidate
      className="space-y-5"
      key={formKey}
    >
      <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
      <FormMessage message={state.ok ? state.message : undefined} />
      <UnsavedChangesGuard count={unsaved} />
      {p.method === "off" && (
        <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700" role="status">
          The integration is <strong>off</strong>: nothing is sent to ONTRAPORT and no pixel fires.{p.readOnly ? "" : " Choose a method below and save to start."}
        </p>
      )}
      <fieldset disabled={p.readOnly} className="space-y-3">
        <legend className="text-sm font-medium text-zinc-800">Integration method</legend>
        <div className="grid gap-3 md:grid-cols-2">
          <ChoiceOption
            name="method"
            value="api"
            checked={method === "api"}
            onChange={() => setMethod("api")}
            title="API Integration"
            recommended
            text="Requires your ONTRAPORT App ID and API key. cartlink sends every sale, refund, auto order status change and affiliate to ONTRAPORT."
          />
          <ChoiceOption
            name="method"
            value="pixel"
            checked={method === "pixel"}
            onChange={() => setMethod("pixel")}
            title="Partner Tracking Pixel"
            text="Requires the ONTRAPORT Sub-domain for each StoreFront theme. Receipts load ONTRAPORT's conversion pixel for partner (affiliate) tracking."
          />
        </div>
        {f.method && (
          <p id="method-error" className="text-xs font-medium text-red-700">
            {f.method}
          </p>
        )}
        <p className="text-xs text-zinc-500">Tip: if you are unsure which method to select, contact ONTRAPORT Support for guidance.</p>
      </fieldset>

      {method === "api" && (
        <fieldset disabled={p.readOnly} className="space-y-4 border-t border-zinc-100 pt-4">
          <legend className="sr-only">API Integration</legend>
          {p.pausedAt && (
            <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              Deliveries are paused since {p.pausedAt}: {p.pausedReason ?? "ONTRAPORT refused the key"}. ONTRAPORT keys occasionally expire or become
              invalid (“stale”). Get a fresh key from ONTRAPORT Support and save it here; the waiting transmissions then go out by themselves.
            </div>
          )}
          <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm" data-testid="saved-key">
            <div>
              <span className="text-zinc-500">Saved key: </span>
              {p.hasKey ? (
                <span className="font-mono" aria-label="Saved key (masked)">
                  {p.keyMask}
                </span>
              ) : (
                <span className="text-zinc-600">none yet</span>
              )}
            </div>
            {p.hasKey && (
              <>
                <div className="text-zinc-600">
                  set {p.keySetAt}
                  {p.keySetBy ? ` by ${p.keySetBy}` : ""}
                  {p.keyFingerprint ? <span className="text-zinc-500"> · fingerprint {p.keyFingerprint}</span> : null}
                </div>
                <div className="flex items-center gap-2">
                  <span className="text-zinc-500">Key status:</span>
                  <Badge tone={status.tone}>{status.label}</Badge>
                  {p.keyStatusAt && (
                    <span className="text-xs text-zinc-500">
                      {p.keyStatusCode ? `HTTP ${p.keyStatusCode}, ` : ""}
                      {p.keyStatusAt}
                    </span>
                  )}
                </div>
              </>
            )}
          </div>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-zinc-800">How cartlink delivers</legend>
            <div className="grid gap-3 md:grid-cols-2">
              <ChoiceOption
                name="protocol"
                value="rest"
                checked={protocol === "rest"}
                onChange={() => setProtocol("rest")}
                title="ONTRAPORT REST API"
                recommended
                text="Works with every ONTRAPORT account: each sale is logged as a transaction on the buyer's contact, with its products and tags."
              />
              <ChoiceOption
                name="protocol"
                value="xml"
                checked={protocol === "xml"}
                onChange={() => setProtocol("xml")}
                title="XML notification endpoint"
                text="cartlink's XML notifications, posted to an endpoint that accepts them. Choose it only if your endpoint was built for them."
              />
            </div>
            {p.hasKey && protocol !== p.protocol && (
              <p className="text-xs text-amber-800" role="note">
                Switching protocol forgets the saved API key: enter the key to use with the {protocol === "rest" ? "REST API" : "XML endpoint"}.
              </p>
            )}
          </fieldset>
          <div className="grid gap-4 md:grid-cols-2">
            {protocol === "rest" && (
              <TextField
                id="app-id"
                label="ONTRAPORT App ID"
                name="appId"
                autoComplete="off"
                spellCheck={false}
                defaultValue={v.appId ?? p.appId ?? ""}
                error={f.appId}
                help="In ONTRAPORT: Administration → Integrations → ONTRAPORT API Instructions and Key Manager. The App ID is not a secret; it is shown here."
              />
            )}
            <TextField
              id="api-key"
              label="ONTRAPORT API Key"
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              error={f.apiKey}
              // A test result speaks of the key it tested: a new key makes it stale.
              onChange={() => setTest(null)}
              placeholder={p.hasKey ? "Leave empty to keep the saved key" : protocol === "rest" ? "Paste the API key from ONTRAPORT" : "Paste the key from ONTRAPORT Support"}
              help={
                protocol === "rest"
                  ? "Made beside the App ID in ONTRAPORT's Key Manager (give it permission for contacts, products, transactions, tags and notes). Stored encrypted and never shown again; only its last four characters are."
                  : "Get your API key for this integration from ONTRAPORT Support. It is stored encrypted and never shown again; only its last four characters are."
              }
            />
          </div>
          {protocol === "rest" && (
            <div className="space-y-2 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-3" id="tagging">
              <h3 className="text-sm font-medium text-zinc-900">How buyers get tagged</h3>
              <p className="text-sm text-zinc-700">
                Each sale tags the buyer&apos;s contact with the <strong>ONTRAPORT tags</strong> of the items bought (set them per item in the Product Mapping below or in
                the item editor), plus the tag below if you give one. Nothing needs setting up in ONTRAPORT: products, taxes and tags are created the first time they are
                needed. To start an ONTRAPORT campaign from a purchase, use a &ldquo;Tag is added to contact&rdquo; trigger with one of these tags, or the
                &ldquo;Purchases&rdquo; trigger (&ldquo;Contact purchases a product&rdquo;) with the product named as the Product Mapping says.
              </p>
              <div className="max-w-md">
                <TextField
                  id="tag-every-buyer"
                  label="Tag every buyer (optional)"
                  name="tagEveryBuyer"
                  autoComplete="off"
                  defaultValue={v.tagEveryBuyer ?? p.tagEveryBuyer}
                  error={f.tagEveryBuyer}
                  placeholder="e.g. Customer"
                  help="One tag, added to every buyer's contact with each sale. Leave empty for none."
                />
              </div>
            </div>
          )}
          {!p.readOnly && (
            <div className="flex flex-wrap items-center gap-2">
              <Button variant="secondary" onClick={runTest} pending={testing} disabled={!p.hasKey}>
                Test connection
              </Button>
              {p.hasKey && (
                <Button variant="ghost" onClick={() => setConfirmClear(true)}>
                  Remove saved key
                </Button>
              )}
              {!p.hasKey && <span className="text-xs text-zinc-500">Save a key first, then test it.</span>}
            </div>
          )}
          {test && (
            <div
              role="status"
              data-testid="test-result"
              className={`rounded-md border px-3 py-2 text-sm ${test.result === "valid" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900"}`}
            >
              <strong>{testLabel(test.result, p.protocol)}</strong>
              {test.code !== null ? ` (HTTP ${test.code})` : " (no response)"}: {test.message}
            </div>
          )}
          {protocol === "xml" && (
          <details className="rounded-md border border-zinc-200 px-3 py-2" open={Boolean(f.endpointUrl || p.endpointUrl)}>
            <summary className="cursor-pointer text-sm font-medium text-zinc-800">Advanced: ONTRAPORT endpoint</summary>
            <div className="mt-3 max-w-xl">
              <TextField
                label="ONTRAPORT endpoint URL"
                name="endpointUrl"
                type="url"
                defaultValue={v.endpointUrl ?? p.endpointUrl ?? ""}
                placeholder={p.defaultEndpoint}
                error={f.endpointUrl}
                help={`Where notifications are posted: an https host of ontraport.com (or one your server allows). Leave empty for the default (${p.defaultEndpoint}). Changing it forgets the saved API key: enter the key again.`}
              />
            </div>
          </details>
          )}
        </fieldset>
      )}

      {method === "pixel" && (
        <fieldset disabled={p.readOnly} className="space-y-4 border-t border-zinc-100 pt-4">
          <legend className="sr-only">Partner Tracking Pixel</legend>
          <p className="text-sm text-zinc-600">
            Copy the host name from the conversion URL ONTRAPORT gives you (it may be <span className="font-mono">ontraport.ontraport.com</span>; ONTRAPORT can confirm) and enter it for each
            StoreFront theme. You can also paste the whole conversion URL: only the host is kept.
          </p>
          <div className="grid gap-4 md:grid-cols-2">
            {p.themes.map((t) => (
              <SubdomainField key={t.code} theme={t} allowLocal={p.allowLocal} typed={v[`subdomain_${t.code}`]} error={f[`subdomain_${t.code}`]} />
            ))}
          </div>
        </fieldset>
      )}

      {!p.readOnly && (
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-100 pt-4">
          <Button type="submit" pending={pending}>
            Save configuration
          </Button>
        </div>
      )}

      <ConfirmDialog
        open={confirmClear}
        onOpenChange={setConfirmClear}
        title="Remove the saved API key?"
        description="cartlink forgets the key. With the API Integration chosen, nothing can be delivered until a new key is saved."
        cancelLabel="Keep the key"
        confirmLabel="Remove key"
        onConfirm={clearKey}
        pending={busy}
      />
    </form>
  );
}

function testLabel(result: string, protocol: "rest" | "xml"): string {
  switch (result) {
    case "valid":
      return "Valid";
    case "stale":
      return protocol === "rest" ? "Rejected key" : "Stale key";
    case "rejected":
      return "Rejected";
    case "no_permission":
      return "No permission";
    case "no_key":
      return "No key";
    default:
      return "Unreachable";
  }
}

/** One radio choice with its title and explanation (the method, and the API method's protocol). */
function ChoiceOption({
  name,
  value,
  checked,
  onChange,
  title,
  text,
  recommended,
}: {
  name: "method" | "protocol";
  value: string;
  checked: boolean;
  onChange: () => void;
  title: string;
  text: string;
  recommended?: boolean;
}) {
  const id = `${name}-${value}`;
  return (
    <div className={`flex gap-3 rounded-lg border p-3 ${checked ? "border-accent-500 bg-accent-50" : "border-zinc-200"}`}>
      <input type="radio" id={id} name={name} value={value} checked={checked} onChange={onChange} className="mt-1 size-4 accent-[var(--color-accent-600)]" aria-describedby={`${id}-text`} />
      <div>
        <label htmlFor={id} className="flex items-center gap-2 text-sm font-semibold text-zinc-900">
          {title}
          {recommended && <Badge tone="info">Recommended</Badge>}
        </label>
        <p id={`${id}-text`} className="mt-0.5 text-sm text-zinc-600">
          {text}
        </p>
      </div>
    </div>
  );
}

function SubdomainField({ theme, allowLocal, typed, error }: { theme: { code: string; name: string; subdomain: string | null }; allowLocal: boolean; typed?: string; error?: string }) {
  const [value, setValue] = useState(typed ?? theme.subdomain ?? "");
  const r = value.trim() ? normalizeSubdomain(value, { allowLocal }) : null;
  const help = r?.ok ? (
    <>
      Receipts of theme {theme.name} will load <span className="font-mono break-all">{pixelUrlExample(r.host)}</span>
      {r.host !== value.trim() ? <> (host kept: {r.host})</> : null}
    </>
  ) : value.trim() ? (
    r && !r.ok ? (
      r.error
    ) : null
  ) : (
    "Empty: no pixel on this theme's receipts."
  );
  return (
    <TextField
      label={`ONTRAPORT Sub-domain (${theme.code})`}
      name={`subdomain_${theme.code}`}
      data-initial={theme.subdomain ?? ""}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      placeholder="ontraport.ontraport.com"
      spellCheck={false}
      autoComplete="off"
      error={error && value === typed ? error : undefined}
      help={help}
    />
  );
}
