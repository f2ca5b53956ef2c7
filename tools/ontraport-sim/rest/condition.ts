/**
 * ONTRAPORT's `condition` parameter, turned into a row predicate.
 *
 * The JSON form (the SDK's `Criteria`): an array of clauses joined by the strings "AND"/"OR",
 *   [{"field":{"field":"email"},"op":"=","value":{"value":"a@b.c"}}, "AND", {...}]
 * `IN` / `NOT IN` take `{"list":[{"value":1},{"value":2}]}`; `IS` takes `"NULL"` / `"NOT NULL"`.
 * Leniencies: a single clause object, a bare field name (`"field":"email"`), a bare value
 * (`"value":"x"`), a nested array as a parenthesised group, clauses with no joiner (AND).
 *
 * The legacy SQL-like string form (`email='a@b.c' AND name LIKE 'x%'`), which older clients send
 * and no current source confirms, is accepted too.
 *
 * AND binds tighter than OR, as in SQL. `=`, `<>` and `LIKE` compare case-insensitively (MySQL's
 * default collation); when both sides are numbers they compare as numbers. A missing field is
 * NULL: only `IS NULL` matches it.
 */
import type { RestRow } from "./types";

export type Predicate = (row: RestRow) => boolean;

export class ConditionError extends Error {}

type Scalar = string | number | null;

const OPS = ["=", "<>", "!=", ">", "<", ">=", "<=", "IN", "NOT IN", "IS", "LIKE", "NOT LIKE"] as const;
type Op = (typeof OPS)[number];

/** A row's own field (never something inherited such as `toString`). */
export function fieldOf(row: RestRow, field: string): string | undefined {
  return Object.hasOwn(row, field) ? row[field] : undefined;
}

function isNumeric(s: string): boolean {
  return /^-?\d+(?:\.\d+)?$/.test(s.trim());
}

function compare(a: string, b: string): number {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  let re = "";
  for (const ch of pattern) {
    if (ch === "%") re += ".*";
    else if (ch === "_") re += ".";
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "is");
}

function clause(field: string, op: Op, value: Scalar | Scalar[]): Predicate {
  const list = Array.isArray(value) ? value.map((v) => (v === null ? null : String(v))) : null;
  const one = Array.isArray(value) ? null : value === null ? null : String(value);
  switch (op) {
    case "IN":
    case "NOT IN": {
      if (list === null) throw new ConditionError(`${op} needs a list of values`);
      const inList = (v: string): boolean => list.some((x) => x !== null && compare(v, x) === 0);
      return (row) => {
        const v = fieldOf(row, field);
        if (v === undefined) return false;
        return op === "IN" ? inList(v) : !inList(v);
      };
    }
    case "IS": {
      const want = (one ?? "NULL").trim().toUpperCase();
      if (want !== "NULL" && want !== "NOT NULL") throw new ConditionError('IS takes "NULL" or "NOT NULL"');
      return (row) => (fieldOf(row, field) === undefined) === (want === "NULL");
    }
    case "LIKE":
    case "NOT LIKE": {
      if (one === null) throw new ConditionError(`${op} needs a value`);
      const re = likeRegex(one);
      return (row) => {
        const v = fieldOf(row, field);
        return v !== undefined && re.test(v) === (op === "LIKE");
      };
    }
    default: {
      if (one === null) return () => false; // comparing with NULL is never true
      const test: (c: number) => boolean =
        op === "="
          ? (c) => c === 0
          : op === "<>" || op === "!="
            ? (c) => c !== 0
            : op === ">"
              ? (c) => c > 0
              : op === "<"
                ? (c) => c < 0
                : op === ">="
                  ? (c) => c >= 0
                  : (c) => c <= 0;
      return (row) => {
        const v = fieldOf(row, field);
        return v !== undefined && test(compare(v, one));
      };
    }
  }
}

function normOp(raw: unknown): Op {
  if (typeof raw !== "string") throw new ConditionError('each clause needs an "op" string');
  const op = raw.trim().toUpperCase().replace(/\s+/g, " ");
  if (!(OPS as readonly string[]).includes(op)) throw new ConditionError(`unknown operator "${raw}" (known: ${OPS.join(" ")})`);
  return op as Op;
}

function scalarOf(v: unknown): Scalar {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new ConditionError("a value must be a string or a number");
}

/** Join predicates and "AND"/"OR" joiners, AND first. */
function join(parts: (Predicate | "AND" | "OR")[]): Predicate {
  const groups: Predicate[][] = [[]];
  let expectClause = true;
  for (const p of parts) {
    if (p === "AND" || p === "OR") {
      if (expectClause) throw new ConditionError(`"${p}" must come between two clauses`);
      if (p === "OR") groups.push([]);
      expectClause = true;
    } else {
      (groups[groups.length - 1] as Predicate[]).push(p);
      expectClause = false;
    }
  }
  if (expectClause && parts.length > 0) throw new ConditionError("a condition must not end with AND or OR");
  const ands = groups.filter((g) => g.length > 0).map((g) => (row: RestRow) => g.every((f) => f(row)));
  if (ands.length === 0) return () => true;
  return (row) => ands.some((f) => f(row));
}

function fromJson(node: unknown): Predicate {
  if (Array.isArray(node)) {
    return join(
      node.map((item): Predicate | "AND" | "OR" => {
        if (typeof item === "string") {
          const j = item.trim().toUpperCase();
          if (j !== "AND" && j !== "OR") throw new ConditionError(`expected "AND" or "OR" between clauses, got "${item}"`);
          return j;
        }
        return fromJson(item);
      }),
    );
  }
  if (typeof node !== "object" || node === null) throw new ConditionError("a clause must be an object");
  const o = node as Record<string, unknown>;
  const f = o.field;
  const field =
    typeof f === "string" ? f : typeof f === "object" && f !== null && typeof (f as { field?: unknown }).field === "string" ? (f as { field: string }).field : undefined;
  if (field === undefined || field === "") throw new ConditionError('each clause needs "field": {"field": "name"}');
  const op = normOp(o.op);
  const v = o.value;
  if (op === "IN" || op === "NOT IN") {
    const rawList =
      typeof v === "object" && v !== null && !Array.isArray(v) && Array.isArray((v as { list?: unknown }).list)
        ? ((v as { list: unknown[] }).list)
        : Array.isArray(v)
          ? v
          : undefined;
    if (rawList === undefined) throw new ConditionError(`${op} takes "value": {"list": [{"value": ...}]}`);
    return clause(
      field,
      op,
      rawList.map((x) => (typeof x === "object" && x !== null && "value" in x ? scalarOf((x as { value: unknown }).value) : scalarOf(x))),
    );
  }
  const value = typeof v === "object" && v !== null && "value" in v ? scalarOf((v as { value: unknown }).value) : scalarOf(v);
  return clause(field, op, value);
}

// ---- the legacy SQL-like string form -----------------------------------------------------------

type Token = { t: "word"; v: string } | { t: "str"; v: string } | { t: "op"; v: string } | { t: "("} | { t: ")" } | { t: "," };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let v = "";
      i++;
      for (;;) {
        if (i >= s.length) throw new ConditionError("unterminated string in condition");
        const d = s[i] as string;
        if (d === "\\" && i + 1 < s.length) {
          v += s[i + 1];
          i += 2;
        } else if (d === c) {
          if (s[i + 1] === c) {
            v += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          v += d;
          i++;
        }
      }
      out.push({ t: "str", v });
    } else if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c });
      i++;
    } else if ("=<>!".includes(c)) {
      const two = s.slice(i, i + 2);
      const op = [">=", "<=", "<>", "!="].includes(two) ? two : c;
      out.push({ t: "op", v: op });
      i += op.length;
    } else {
      const m = /^`?([\w.-]+)`?/.exec(s.slice(i));
      if (m === null) throw new ConditionError(`unexpected "${c}" in condition`);
      out.push({ t: "word", v: m[1] as string });
      i += m[0].length;
    }
  }
  return out;
}

function fromSql(text: string): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.t === "word" ? t.v.toUpperCase() : undefined;
  };
  const value = (): Scalar => {
    const t = tokens[pos++];
    if (t === undefined) throw new ConditionError("condition ends where a value was expected");
    if (t.t === "str") return t.v;
    if (t.t === "word") return t.v.toUpperCase() === "NULL" ? null : t.v;
    throw new ConditionError("expected a value in condition");
  };
  const expr = (): Predicate => {
    const parts: (Predicate | "AND" | "OR")[] = [factor()];
    for (;;) {
      const w = peekWord();
      if (w !== "AND" && w !== "OR") break;
      pos++;
      parts.push(w, factor());
    }
    return join(parts);
  };
  const factor = (): Predicate => {
    const t = tokens[pos];
    if (t?.t === "(") {
      pos++;
      const inner = expr();
      if (tokens[pos]?.t !== ")") throw new ConditionError('missing ")" in condition');
      pos++;
      return inner;
    }
    if (t?.t !== "word") throw new ConditionError("expected a field name in condition");
    pos++;
    const field = t.v;
    const next = tokens[pos];
    if (next?.t === "op") {
      pos++;
      return clause(field, normOp(next.v), value());
    }
    let opWord = peekWord();
    if (opWord === "NOT") {
      pos++;
      opWord = `NOT ${peekWord() ?? ""}`;
    }
    pos++;
    if (opWord === "IS") {
      if (peekWord() === "NOT") {
        pos++;
        value();
        return clause(field, "IS", "NOT NULL");
      }
      value();
      return clause(field, "IS", "NULL");
    }
    if (opWord === "LIKE" || opWord === "NOT LIKE") return clause(field, opWord, value());
    if (opWord === "IN" || opWord === "NOT IN") {
      if (tokens[pos++]?.t !== "(") throw new ConditionError(`${opWord} needs a parenthesised list`);
      const list: Scalar[] = [value()];
      while (tokens[pos]?.t === ",") {
        pos++;
        list.push(value());
      }
      if (tokens[pos++]?.t !== ")") throw new ConditionError('missing ")" in condition');
      return clause(field, opWord, list);
    }
    throw new ConditionError(`expected an operator after "${field}"`);
  };
  const p = expr();
  if (pos < tokens.length) throw new ConditionError("unexpected text at the end of the condition");
  return p;
}

/** Parse a `condition` parameter: JSON (string or already decoded) or the SQL-like string. */
export function parseCondition(raw: unknown): Predicate {
  if (raw === undefined || raw === null || raw === "") return () => true;
  if (typeof raw !== "string") return fromJson(raw);
  const text = raw.trim();
  if (text.startsWith("[") || text.startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ConditionError("condition is not valid JSON");
    }
    return fromJson(value);
  }
  return fromSql(text);
}
