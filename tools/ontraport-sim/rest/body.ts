/**
 * Request decoding for the REST API: JSON bodies, form bodies and query strings with PHP-style
 * bracket names (`offer[products][0][id]=11`, `ids[]=1`), and helpers to read loosely typed values.
 */

export class BodyError extends Error {}

type Obj = Record<string, unknown>;

const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);

/** `a[b][0][c]` -> ["a", "b", "0", "c"]; `a[]` -> ["a", ""]. */
function splitName(name: string): string[] {
  const first = name.indexOf("[");
  if (first <= 0 || !name.endsWith("]")) return [name];
  const parts = [name.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  let end = first;
  while ((m = re.exec(name)) !== null) {
    if (m.index !== end) return [name];
    parts.push(m[1] as string);
    end = re.lastIndex;
  }
  return end === name.length ? parts : [name];
}

/** Turn objects whose keys are exactly 0..n-1 into arrays, recursively. */
function arrays(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(arrays);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Obj;
  const keys = Object.keys(o);
  for (const k of keys) o[k] = arrays(o[k]);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => o[k]);
  return o;
}

/** Decode `a=1&b[c]=2&ids[]=3&ids[]=4` into nested objects and arrays (values stay strings). */
export function parseFormNested(text: string): Obj {
  const root: Obj = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const path = splitName(name);
    if (path.some((p) => UNSAFE.has(p))) continue;
    let node: Obj = root;
    for (let i = 0; i < path.length; i++) {
      let part = path[i] as string;
      const last = i === path.length - 1;
      if (part === "") part = String(Object.keys(node).length);
      if (last) {
        node[part] = value;
      } else {
        const next = node[part];
        if (typeof next !== "object" || next === null) node[part] = {};
        node = node[part] as Obj;
      }
    }
  }
  return arrays(root) as Obj;
}

/**
 * Decode a request body: JSON when the Content-Type says so or when the text looks like JSON
 * (some clients send JSON without a Content-Type), otherwise a form.
 */
export function parseBody(contentType: string, text: string): Obj {
  if (text.trim() === "") return {};
  const looksJson = /^\s*[[{]/.test(text);
  if (/json/i.test(contentType) || (looksJson && !/x-www-form-urlencoded/i.test(contentType))) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new BodyError("the body is not valid JSON");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BodyError("the JSON body must be an object");
    return v as Obj;
  }
  return parseFormNested(text);
}

/** A scalar as ONTRAPORT answers it: a string (`null`/absent -> undefined). */
export function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return typeof v === "boolean" ? (v ? "1" : "0") : String(v);
  return JSON.stringify(v);
}

/** A list given as a JSON array, a JSON array in a string, a comma-separated string or one value. */
export function list(v: unknown): string[] {
  if (v === undefined || v === null || v === "") return [];
  if (Array.isArray(v)) return v.map((x) => str(x) ?? "").filter((x) => x !== "");
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) return list(parsed);
      } catch {
        // not JSON: a comma string after all
      }
    }
    return t
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");
  }
  if (typeof v === "object") return list(Object.values(v as Obj));
  return [str(v) ?? ""];
}

/** A number given as a number or a numeric string; undefined when absent, NaN when not numeric. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\s*-?\d+(?:\.\d+)?\s*$/.test(v)) return Number(v);
  return Number.NaN;
}

/** true for `true`, `1`, `"1"`, `"true"`. */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || (typeof v === "string" && v.toLowerCase() === "true");
}
