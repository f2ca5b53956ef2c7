/**
 * `npm run bench:weight` (after `npx next build`): the JavaScript each page ships on first load,
 * gzipped, read from the build's own manifests, and whether every dashboard page stays within the
 * 200 kB budget (exit code 1 when one does not; `npm test` runs it after the build).
 *
 * What counts: the runtime every page loads (`.next/build-manifest.json` rootMainFiles) plus the
 * page's entry chunks and its layouts' (`entryJSFiles` in the page's client reference manifest,
 * `.next/server/app/**\/page_client-reference-manifest.js`). Chunks loaded only on demand (dynamic
 * imports) and the legacy-browser polyfills are not counted. Sizes are gzip at the default level,
 * in kB of 1,000 bytes.
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const NEXT = path.join(process.cwd(), ".next");
const BUDGET_KB = 200;

interface RscManifest {
  entryJSFiles?: Record<string, string[]>;
}

function pageManifests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pageManifests(p));
    else if (e.name === "page_client-reference-manifest.js") out.push(p);
  }
  return out;
}

/** The manifest is a script assigning to globalThis.__RSC_MANIFEST; run it in an empty context. */
function readManifest(file: string): Record<string, RscManifest> {
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, RscManifest> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox);
  return sandbox.__RSC_MANIFEST ?? {};
}

/** `/(dashboard)/orders/[orderId]/page` → `/orders/[orderId]`. */
function urlOf(key: string): string {
  const parts = key.split("/").filter((s) => s && !/^\(.*\)$/.test(s));
  parts.pop();
  return `/${parts.join("/")}`;
}

const sizes = new Map<string, { raw: number; gz: number }>();
function sizeOf(file: string): { raw: number; gz: number } {
  let s = sizes.get(file);
  if (!s) {
    const buf = fs.readFileSync(path.join(NEXT, file.replace(/^\/?_next\//, "")));
    s = { raw: buf.length, gz: gzipSync(buf).length };
    sizes.set(file, s);
  }
  return s;
}

function main(): number {
  if (!fs.existsSync(path.join(NEXT, "BUILD_ID"))) {
    console.error("No build found: run `npx next build` first.");
    return 2;
  }
  const buildManifest = JSON.parse(fs.readFileSync(path.join(NEXT, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
  const root = buildManifest.rootMainFiles ?? [];
  const rows: Array<{ url: string; dashboard: boolean; files: number; raw: number; gz: number; own: number }> = [];
  const rootGz = root.reduce((n, f) => n + sizeOf(f).gz, 0);
  for (const file of pageManifests(path.join(NEXT, "server", "app"))) {
    for (const [key, m] of Object.entries(readManifest(file))) {
      const entries = m.entryJSFiles ?? {};
      const pageEntry = Object.keys(entries).find((k) => k.endsWith(`${key}`) || k === `[project]/app${key}`);
      if (!pageEntry) continue;
      // The page entry and the layouts above it; not-found and global-error chunks load only on those.
      const dirOf = (k: string) => k.replace(/\/(page|layout)$/, "");
      const pageDir = dirOf(pageEntry);
      const layouts = Object.keys(entries).filter((k) => k.endsWith("/layout") && (pageDir === dirOf(k) || pageDir.startsWith(`${dirOf(k)}/`)));
      const files = new Set<string>(root);
      for (const k of [pageEntry, ...layouts]) for (const f of entries[k] ?? []) files.add(f);
      const layoutFiles = new Set<string>(root);
      for (const k of layouts) for (const f of entries[k] ?? []) layoutFiles.add(f);
      let raw = 0;
      let gz = 0;
      let own = 0;
      for (const f of files) {
        const s = sizeOf(f);
        raw += s.raw;
        gz += s.gz;
        if (!layoutFiles.has(f)) own += s.gz;
      }
      const url = urlOf(key);
      if (url.startsWith("/_")) continue;
      rows.push({ url, dashboard: key.startsWith("/(dashboard)"), files: files.size, raw, gz, own });
    }
  }
  rows.sort((a, b) => Number(b.dashboard) - Number(a.dashboard) || a.url.localeCompare(b.url));
  const kb = (n: number) => (n / 1000).toFixed(1);
  const width = Math.max(...rows.map((r) => r.url.length), 5);
  console.log(`First-load JavaScript per page (gzip; the shared runtime alone is ${kb(rootGz)} kB)\n`);
  console.log(`${"page".padEnd(width)}  ${"chunks".padStart(6)}  ${"raw kB".padStart(8)}  ${"gzip kB".padStart(8)}  ${"page-only gzip kB".padStart(17)}`);
  let over = false;
  for (const r of rows) {
    const overBudget = r.dashboard && r.gz > BUDGET_KB * 1000;
    const flag = overBudget ? `  OVER the ${BUDGET_KB} kB budget` : "";
    if (overBudget) over = true;
    console.log(`${r.url.padEnd(width)}  ${String(r.files).padStart(6)}  ${kb(r.raw).padStart(8)}  ${kb(r.gz).padStart(8)}  ${kb(r.own).padStart(17)}${r.dashboard ? "" : "  (public)"}${flag}`);
  }
  if (!rows.some((r) => r.dashboard)) {
    console.log("\nNo dashboard page was found in the build.");
    return 2;
  }
  console.log(over ? `\nA dashboard page is OVER the ${BUDGET_KB} kB budget: load its dialogs on demand (next/dynamic).` : `\nEvery dashboard page is within the ${BUDGET_KB} kB budget.`);
  console.log("\npage-only: what the page adds beyond the runtime and its layouts. Not counted: chunks loaded on demand.");
  return over ? 1 : 0;
}

process.exitCode = main();
