import { prettyXml, redactSecrets, type XmlTokenKind } from "@/lib/ontraport/xml/view";

const colours: Record<XmlTokenKind, string> = {
  punct: "text-zinc-400",
  tag: "text-sky-700",
  attr: "text-violet-700",
  value: "text-emerald-700",
  text: "text-zinc-900",
  decl: "text-zinc-500",
  comment: "text-zinc-500 italic",
};

/**
 * The request as sent, pretty-printed and highlighted. Every piece is a React text node (never
 * HTML), so `<script>` in a customer's name is shown, not run.
 */
export function XmlViewer({ payload, label }: { payload: string; label: string }) {
  const lines = prettyXml(payload);
  return (
    <pre
      aria-label={label}
      tabIndex={0}
      className="max-h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-5 text-zinc-900 focus:outline-none focus:ring-2 focus:ring-accent-100"
      data-testid="xml-viewer"
    >
      {lines ? (
        lines.map((line, i) => (
          <div key={i} style={{ paddingLeft: `${line.depth * 2}ch` }}>
            {line.tokens.map((t, j) => (
              <span key={j} className={colours[t.kind]}>
                {t.text}
              </span>
            ))}
          </div>
        ))
      ) : (
        <span className="break-all whitespace-pre-wrap">{redactSecrets(payload)}</span>
      )}
    </pre>
  );
}
