/**
 * The import directions of the code, kept by a test (README.md and docs/architecture.md, "Boundaries"):
 *
 *   app/ (routes) → components/ (render) → lib/<domain>/ (rules, queries) → lib/db/ (schema, client)
 *   lib/ontraport reacts to lib/orders, never the reverse.
 *   app/ uses the database only through lib/db/client's getDb() and lib/<domain> functions: no drizzle-orm, no schema.
 *
 * Every .ts/.tsx file under app/, components/ and lib/ is parsed with the TypeScript compiler; its static
 * imports, re-exports (`export … from`) and dynamic `import()` calls are resolved (`@/` is the repository
 * root) and checked against the rules below. Type-only imports count like any other: a type names the
 * module it comes from, so a type import against the direction is the same dependency a newcomer has to
 * untangle later.
 *
 * Test files (`*.test.ts`) are not checked: a test exercises the product from outside (a migration test
 * may call an order rule, a security test may call a route handler) and nothing imports a test, so a
 * test's import cannot close a loop or make product code depend on anything.
 *
 * KNOWN_VIOLATIONS lists what is against the rules today in files being reworked elsewhere. It must only
 * shrink: the test fails on a violation not in the list, and on a listed violation that no longer exists.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const SCANNED = ["app", "components", "lib"];

/**
 * Violations in files owned by other work in progress (components/ontraport, lib/ontraport). Remove an
 * entry when its import is gone; never add one to let new code in.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

/** An import: `to` is a repository path, or for a package (`external`) the specifier as written. */
type Edge = { from: string; to: string; typeOnly: boolean; external?: boolean };

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts") && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
}

/** The repository-relative path a specifier points at (no extension resolution), or null for packages. */
function resolveSpecifier(fromFile: string, spec: string): string | null {
  let abs: string;
  if (spec.startsWith("@/")) abs = path.join(root, spec.slice(2));
  else if (spec.startsWith("./") || spec.startsWith("../")) abs = path.resolve(path.dirname(fromFile), spec);
  else return null;
  return path.relative(root, abs).split(path.sep).join("/");
}

function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const from = path.relative(root, file).split(path.sep).join("/");
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    const to = resolveSpecifier(file, spec);
    edges.push(to === null ? { from, to: spec, typeOnly, external: true } : { from, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** lib/orders/x.ts → "lib/orders"; lib/env.ts → "lib/env"; anything else → null. */
function libUnit(p: string): string | null {
  const m = /^lib\/([^/]+?)(?:\.tsx?)?(?:\/|$)/.exec(p);
  return m ? `lib/${m[1]}` : null;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`) || p.startsWith(`${dir}.`);

/** The direction rules; each returns a rule name when the edge breaks it. */
const RULES: Array<(e: Edge) => string | null> = [
  (e) => (under(e.from, "lib") && (under(e.to, "components") || under(e.to, "app")) ? "lib imports components/ or app/" : null),
  (e) => (under(e.from, "components") && under(e.to, "app") ? "components imports app/" : null),
  (e) => {
    if (!under(e.from, "lib/db")) return null;
    const unit = libUnit(e.to);
    // lib/db is schema and client only: it may use the shared top-level files (lib/env.ts, lib/log.ts…),
    // not another domain folder.
    const isDomainFolder = unit !== null && unit !== "lib/db" && fs.existsSync(path.join(root, unit)) && fs.statSync(path.join(root, unit)).isDirectory();
    return isDomainFolder ? "lib/db imports another lib/ domain" : null;
  },
  (e) => (under(e.from, "lib/orders") && under(e.to, "lib/ontraport") ? "lib/orders imports lib/ontraport" : null),
  (e) => (under(e.from, "components") && under(e.to, "lib/db/client") ? "components imports lib/db/client" : null),
  // tools/ (the simulator, benchmarks, test helpers) may use the product; the product never uses tools/.
  (e) => ((under(e.from, "lib") || under(e.from, "app") || under(e.from, "components")) && under(e.to, "tools") ? "product code imports tools/" : null),
  // Routes stay thin: queries live in lib/<domain> as functions taking (db, { merchantId, … }); app/ gets the
  // database from lib/db/client's getDb() and hands it to them, never the schema.
  (e) => (under(e.from, "app") && under(e.to, "lib/db") && e.to !== "lib/db/client" ? "app imports lib/db beyond the client (queries belong in lib/<domain>)" : null),
];

/** The rules for package imports (`external` edges). */
const PACKAGE_RULES: Array<(e: Edge) => string | null> = [
  (e) => (under(e.from, "app") && (e.to === "drizzle-orm" || e.to.startsWith("drizzle-orm/")) ? "app imports drizzle-orm (queries belong in lib/<domain>)" : null),
];

/** Strongly connected components (Tarjan) of the graph between lib/ top-level folders and files. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) strong(v);
  return out;
}

/** A module whose first statement is the `"use server"` directive. */
function isServerActionsModule(file: string): boolean {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const first = source.statements[0];
  return !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use server";
}

function findViolations(): { violations: string[]; detail: Map<string, string[]> } {
  const files: string[] = [];
  for (const dir of SCANNED) walk(path.join(root, dir), files);
  const edges = files.flatMap(importsOf);
  const violations = new Set<string>();
  const detail = new Map<string, string[]>();
  // Components render; server actions live beside the page that uses them (app/).
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    if (under(rel, "components") && isServerActionsModule(file)) violations.add(`server actions module in components/: ${rel}`);
  }
  for (const e of edges) {
    for (const rule of e.external ? PACKAGE_RULES : RULES) {
      const name = rule(e);
      if (name) violations.add(`${name}: ${e.from} -> ${e.to}`);
    }
  }
  const graph = new Map<string, Set<string>>();
  const witness = new Map<string, string>();
  for (const e of edges) {
    if (e.external) continue;
    const a = libUnit(e.from);
    const b = libUnit(e.to);
    if (!a || !b || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if (!witness.has(`${a} -> ${b}`)) witness.set(`${a} -> ${b}`, `${e.from} -> ${e.to}`);
  }
  for (const component of cycles(graph)) {
    const name = `cycle between lib/ folders: ${component.join(", ")}`;
    violations.add(name);
    const inCycle = new Set(component);
    detail.set(
      name,
      [...witness].filter(([k]) => {
        const [a, b] = k.split(" -> ");
        return inCycle.has(a!) && inCycle.has(b!);
      }).map(([k, v]) => `${k} (e.g. ${v})`),
    );
  }
  return { violations: [...violations].sort(), detail };
}

describe("import boundaries", () => {
  const { violations, detail } = findViolations();

  it("finds imports to check (the scan works)", () => {
    const files: string[] = [];
    for (const dir of SCANNED) walk(path.join(root, dir), files);
    expect(files.length).toBeGreaterThan(100);
    const edges = files.flatMap(importsOf);
    expect(edges.some((e) => e.from.startsWith("app/") && e.to.startsWith("lib/"))).toBe(true);
    // Package imports are seen too (the drizzle-orm rule would otherwise pass by seeing nothing).
    expect(edges.some((e) => e.external && e.from.startsWith("lib/") && e.to === "drizzle-orm")).toBe(true);
  });

  it("no import goes against the directions (app → components → lib/<domain> → lib/db; ontraport reacts to orders)", () => {
    const known = new Set(KNOWN_VIOLATIONS);
    const unexpected = violations.filter((v) => !known.has(v));
    const message = unexpected.map((v) => [v, ...(detail.get(v) ?? []).map((d) => `    ${d}`)].join("\n")).join("\n");
    expect(unexpected, `imports against the boundaries:\n${message}`).toEqual([]);
  });

  it("every KNOWN_VIOLATIONS entry still exists (the list only shrinks)", () => {
    const found = new Set(violations);
    const gone = KNOWN_VIOLATIONS.filter((v) => !found.has(v));
    expect(gone, "fixed: remove these from KNOWN_VIOLATIONS").toEqual([]);
  });
});
