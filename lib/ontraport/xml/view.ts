/**
 * Pretty-printing and highlighting of a transmission's payload for the View dialog. Produces tokens,
 * never HTML: the dialog renders them as React text nodes, so a customer named `<script>` stays text.
 */

export type XmlTokenKind = "punct" | "tag" | "attr" | "value" | "text" | "decl" | "comment";
export interface XmlToken {
  kind: XmlTokenKind;
  text: string;
}
export interface XmlLine {
  depth: number;
  tokens: XmlToken[];
}

const SECRET = /(?<![\w-])((?:api_?)?key)=([^&\s"'<)]+)/gi;

/** The API key is never stored in a payload; this is the belt to that braces, for anything pasted or legacy. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET, "$1=[redacted]").replace(/(<key>)[^<]*(<\/key>)/gi, "$1[redacted]$2");
}

type Raw = { kind: "open" | "close" | "self" | "decl" | "comment"; text: string; name: string } | { kind: "text"; text: string };

function rawTokens(xml: string): Raw[] | null {
  const out: Raw[] = [];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>|[^<]+/g;
  let consumed = 0;
  for (const m of xml.matchAll(re)) {
    const t = m[0];
    consumed += t.length;
    if (t.startsWith("<!--")) out.push({ kind: "comment", text: t, name: "" });
    else if (t.startsWith("<?")) out.push({ kind: "decl", text: t, name: "" });
    else if (t.startsWith("<![CDATA[")) out.push({ kind: "text", text: t });
    else if (t.startsWith("</")) out.push({ kind: "close", text: t, name: t.slice(2, -1).trim() });
    else if (t.startsWith("<")) {
      if (!t.endsWith(">") || t.length < 3) return null;
      const self = t.endsWith("/>");
      const name = /^<\s*([^\s/>]+)/.exec(t)?.[1];
      if (!name) return null;
      out.push({ kind: self ? "self" : "open", text: t, name });
    } else if (t.trim()) out.push({ kind: "text", text: t.trim() });
  }
  return consumed === xml.length ? out : null;
}

function tagTokens(text: string): XmlToken[] {
  const tokens: XmlToken[] = [];
  const closing = text.startsWith("</");
  const self = text.endsWith("/>");
  const inner = text.slice(closing ? 2 : 1, self ? -2 : -1);
  const nameMatch = /^\s*([^\s/>]+)/.exec(inner);
  const name = nameMatch?.[1] ?? "";
  tokens.push({ kind: "punct", text: closing ? "</" : "<" }, { kind: "tag", text: name });
  let rest = inner.slice(nameMatch?.[0].length ?? 0);
  const attr = /^\s*([^\s=]+)\s*=\s*("[^"]*"|'[^']*')/;
  for (let m = attr.exec(rest); m; m = attr.exec(rest)) {
    tokens.push({ kind: "text", text: " " }, { kind: "attr", text: m[1]! }, { kind: "punct", text: "=" }, { kind: "value", text: m[2]! });
    rest = rest.slice(m[0].length);
  }
  if (rest.trim()) tokens.push({ kind: "text", text: ` ${rest.trim()}` });
  tokens.push({ kind: "punct", text: self ? "/>" : ">" });
  return tokens;
}

/**
 * One line per element, indented by depth; an element holding only text stays on one line
 * (`<field name="City">London</field>`). Returns null when the payload is not XML (a pixel URL).
 */
export function prettyXml(xml: string): XmlLine[] | null {
  const source = redactSecrets(xml.trim());
  if (!source.startsWith("<")) return null;
  const raw = rawTokens(source);
  if (!raw) return null;
  const lines: XmlLine[] = [];
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (t.kind === "decl") lines.push({ depth, tokens: [{ kind: "decl", text: t.text }] });
    else if (t.kind === "comment") lines.push({ depth, tokens: [{ kind: "comment", text: t.text }] });
    else if (t.kind === "self") lines.push({ depth, tokens: tagTokens(t.text) });
    else if (t.kind === "text") lines.push({ depth, tokens: [{ kind: "text", text: t.text }] });
    else if (t.kind === "open") {
      const next = raw[i + 1];
      const after = raw[i + 2];
      if (next?.kind === "close" && next.name === t.name) {
        lines.push({ depth, tokens: [...tagTokens(t.text), ...tagTokens(next.text)] });
        i += 1;
      } else if (next?.kind === "text" && after?.kind === "close" && after.name === t.name) {
        lines.push({ depth, tokens: [...tagTokens(t.text), { kind: "text", text: next.text }, ...tagTokens(after.text)] });
        i += 2;
      } else {
        lines.push({ depth, tokens: tagTokens(t.text) });
        depth += 1;
      }
    } else {
      depth = Math.max(0, depth - 1);
      lines.push({ depth, tokens: tagTokens(t.text) });
    }
  }
  return lines;
}

/** The pretty-printed text (for Copy and Download .xml). */
export function prettyXmlText(xml: string): string {
  const lines = prettyXml(xml);
  if (!lines) return redactSecrets(xml);
  return lines.map((l) => "  ".repeat(l.depth) + l.tokens.map((t) => t.text).join("")).join("\n") + "\n";
}
