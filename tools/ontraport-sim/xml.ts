/**
 * Strict well-formedness checks and a small element tree.
 *
 * fast-xml-parser's XMLValidator decides well-formedness (and gives line/column messages). It
 * accepts a few things XML 1.0 forbids (unknown entities, several root elements, text after a
 * self-closing root, `<` or a bare `&` inside attribute values, control characters), so those are
 * checked here as well. Entities are decoded here, strictly, so that an unknown entity is an error
 * instead of passing through as text.
 */
import { XMLValidator } from "fast-xml-parser";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data of this element (entities decoded, CDATA kept verbatim). */
  text: string;
}

export type XmlResult = { ok: true; root: XmlElement } | { ok: false; error: string };

// Characters XML 1.0 forbids: C0 controls except tab/LF/CR, U+FFFE/U+FFFF and lone surrogates.
const FORBIDDEN_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const DECLARATION =
  /^\uFEFF?<\?xml\s+version\s*=\s*(["'])1\.\d+\1(?:\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>/;

const ENTITY = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z_:][\w.:-]*))?(;?)/g;
const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

class XmlError extends Error {}

function describeChar(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

function isAllowedCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Decode the five XML entities and character references; anything else is an error. */
export function decodeEntities(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(ENTITY, (match, hex: string | undefined, dec: string | undefined, name: string | undefined, semi: string) => {
    if (semi !== ";" || (hex === undefined && dec === undefined && name === undefined)) {
      throw new XmlError(`a bare "&" must be written &amp; (near "${match}")`);
    }
    if (name !== undefined) {
      const value = NAMED_ENTITIES[name];
      if (value === undefined) throw new XmlError(`unknown entity &${name};`);
      return value;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec ?? "", 10);
    if (!Number.isFinite(cp) || !isAllowedCodePoint(cp)) {
      throw new XmlError(`character reference ${match} is a character XML 1.0 forbids`);
    }
    return String.fromCodePoint(cp);
  });
}

// Character codes used by the scanner.
const Ch = { Bang: 33, Quote: 34, Apos: 39, Slash: 47, Eq: 61, Gt: 62, Question: 63 } as const;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function indexOrThrow(xml: string, needle: string, from: number): number {
  const i = xml.indexOf(needle, from);
  if (i < 0) throw new XmlError(`unterminated construct: expected "${needle}"`);
  return i;
}

/**
 * Build the element tree of a document that XMLValidator has already accepted. A small
 * single-pass scanner (fast-xml-parser's XMLParser costs twice as much, and its output would have
 * to be converted anyway); it still throws on anything inconsistent rather than trusting its
 * input. Comments and processing instructions are skipped, CDATA is kept verbatim, entities are
 * decoded strictly.
 */
function buildTree(xml: string): { elements: XmlElement[]; text: string } {
  const doc: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [doc];
  let top = doc;
  let i = 0;
  const len = xml.length;
  while (i < len) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    const c = xml.charCodeAt(lt + 1);
    if (c === Ch.Question) {
      i = indexOrThrow(xml, "?>", lt + 2) + 2;
      continue;
    }
    if (c === Ch.Bang) {
      if (xml.startsWith("<!--", lt)) {
        i = indexOrThrow(xml, "-->", lt + 4) + 3;
      } else if (xml.startsWith("<![CDATA[", lt)) {
        const end = indexOrThrow(xml, "]]>", lt + 9);
        top.text += xml.slice(lt + 9, end);
        i = end + 3;
      } else {
        throw new XmlError("unexpected markup declaration");
      }
      continue;
    }
    if (c === Ch.Slash) {
      const end = indexOrThrow(xml, ">", lt + 2);
      const name = xml.slice(lt + 2, end).trim();
      if (top === doc || top.name !== name) throw new XmlError(`unexpected closing tag </${name}>`);
      stack.pop();
      top = stack[stack.length - 1] as XmlElement;
      i = end + 1;
      continue;
    }
    // start tag
    let j = lt + 1;
    while (j < len) {
      const k = xml.charCodeAt(j);
      if (isSpace(k) || k === Ch.Slash || k === Ch.Gt) break;
      j++;
    }
    const name = xml.slice(lt + 1, j);
    if (name === "") throw new XmlError("empty tag name");
    const el: XmlElement = { name, attrs: Object.create(null) as Record<string, string>, children: [], text: "" };
    let selfClosing = false;
    for (;;) {
      while (j < len && isSpace(xml.charCodeAt(j))) j++;
      if (j >= len) throw new XmlError(`unterminated tag <${name}>`);
      const k = xml.charCodeAt(j);
      if (k === Ch.Gt) {
        j++;
        break;
      }
      if (k === Ch.Slash) {
        if (xml.charCodeAt(j + 1) !== Ch.Gt) throw new XmlError(`malformed tag <${name}>`);
        selfClosing = true;
        j += 2;
        break;
      }
      const attrStart = j;
      while (j < len) {
        const a = xml.charCodeAt(j);
        if (isSpace(a) || a === Ch.Eq || a === Ch.Gt || a === Ch.Slash) break;
        j++;
      }
      const attrName = xml.slice(attrStart, j);
      while (j < len && isSpace(xml.charCodeAt(j))) j++;
      if (xml.charCodeAt(j) !== Ch.Eq) throw new XmlError(`attribute "${attrName}" of <${name}> has no value`);
      j++;
      while (j < len && isSpace(xml.charCodeAt(j))) j++;
      const q = xml.charCodeAt(j);
      if (q !== Ch.Quote && q !== Ch.Apos) throw new XmlError(`attribute "${attrName}" of <${name}> is not quoted`);
      const close = indexOrThrow(xml, q === Ch.Quote ? '"' : "'", j + 1);
      const raw = xml.slice(j + 1, close);
      if (raw.includes("<")) throw new XmlError(`attribute "${attrName}" of <${name}> contains "<", which must be written &lt;`);
      if (Object.prototype.hasOwnProperty.call(el.attrs, attrName)) {
        throw new XmlError(`attribute "${attrName}" is repeated on <${name}>`);
      }
      el.attrs[attrName] = decodeEntities(raw);
      j = close + 1;
    }
    top.children.push(el);
    if (!selfClosing) {
      stack.push(el);
      top = el;
    }
    i = j;
  }
  if (stack.length > 1) throw new XmlError(`unclosed element <${top.name}>`);
  return { elements: doc.children, text: doc.text };
}

/**
 * Check that `data` is a well-formed XML 1.0 document with the XML declaration (UTF-8 when an
 * encoding is named), no DOCTYPE, exactly one root element, and return its tree.
 */
export function parseXmlDocument(data: string): XmlResult {
  if (data.trim() === "") return { ok: false, error: "data is empty (expected an XML document)" };
  if (/^\s*%3C/i.test(data)) {
    return { ok: false, error: "data looks URL-encoded twice (it starts with %3C); encode it once" };
  }
  const bad = FORBIDDEN_CHAR.exec(data);
  if (bad) {
    return {
      ok: false,
      error: `data contains ${describeChar(bad[0].charCodeAt(0))} at offset ${bad.index}, a character XML 1.0 forbids (strip it before building the XML)`,
    };
  }
  const decl = DECLARATION.exec(data);
  if (!decl) {
    return {
      ok: false,
      error: 'the XML declaration is missing: data must start with <?xml version="1.0" encoding="UTF-8"?>',
    };
  }
  const encoding = decl[3];
  if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
    return { ok: false, error: `the XML declaration names encoding "${encoding}"; it must be UTF-8` };
  }
  if (/<!DOCTYPE/i.test(data)) return { ok: false, error: "a DOCTYPE is not allowed" };

  // fast-xml-parser silently drops text after a self-closing root element.
  if (!data.trimEnd().endsWith(">")) return { ok: false, error: "malformed XML: text after the root element" };
  const valid = XMLValidator.validate(data, { allowBooleanAttributes: false });
  if (valid !== true) {
    return {
      ok: false,
      error: `malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
    };
  }
  let converted: { elements: XmlElement[]; text: string };
  try {
    converted = buildTree(data);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `malformed XML: ${msg}` };
  }
  if (converted.text.trim() !== "") return { ok: false, error: "malformed XML: text outside the root element" };
  const [root, second] = converted.elements;
  if (root === undefined) return { ok: false, error: "malformed XML: no root element" };
  if (second !== undefined) {
    return { ok: false, error: `malformed XML: more than one root element (<${root.name}> then <${second.name}>)` };
  }
  return { ok: true, root };
}

/** Escape text for an XML text node (quotes stay as they are, so messages read naturally). */
export function escapeText(s: string): string {
  return s.replace(/[<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"));
}

/** Escape text for an XML attribute value. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === '"' ? "&quot;" : "&apos;",
  );
}

export { XmlError };
