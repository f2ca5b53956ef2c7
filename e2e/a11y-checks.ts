import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** A violation known, reported and left to the engineer who owns the file (the rule on that one selector only). */
export interface KnownIssue {
  rule: string;
  target: string;
  owner: string;
}

/**
 * Axe on the page as it is now; fails listing each serious or critical violation's id, help and targets.
 * Legacy mode runs axe in the page itself: the default opens a blank page for every run to merge the
 * frames' results, which cost about 2 s a run here, and these pages have no frames to merge.
 */
export async function expectNoSeriousViolations(page: Page, where: string, include?: string, known: KnownIssue[] = []): Promise<void> {
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  const isKnown = (rule: string, target: string) => known.some((k) => k.rule === rule && k.target === target);
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !isKnown(v.id, n.target.join(" "))) }))
    .filter((v) => v.nodes.length > 0);
  const report = bad
    .map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.map((t) => JSON.stringify(t)).join(" > ")}`).join("\n")}`)
    .join("\n");
  expect(bad, `serious or critical accessibility violations on ${where}:\n${report}`).toEqual([]);
}

/** No sideways scroll of the whole page. */
export async function expectNoPageOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const vw = window.innerWidth;
    // Names the element that sticks out the furthest, to make a failure easy to track down.
    let widest = "";
    let right = vw;
    const clipped = (el: HTMLElement): boolean => {
      // An absolutely positioned element escapes a scroll box that is not positioned: count it.
      if (getComputedStyle(el).position === "absolute") return false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right <= right + 0.5 || clipped(el)) continue;
      if (r.right > right + 0.5) {
        right = r.right;
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${String(el.className).split(" ").slice(0, 4).join(".")} in ${el.parentElement?.tagName.toLowerCase()} (right edge ${Math.round(r.right)} px)`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, widest };
  });
  expect(scrollWidth, `${where} scrolls sideways: page ${scrollWidth} px wide in a ${innerWidth} px viewport; widest: ${widest}`).toBeLessThanOrEqual(innerWidth);
}

/**
 * The colour scheme the page is actually drawn in: the relative luminance (0 black to 1 white) of the
 * body's background, and the root's computed color-scheme. Guards the dark palette: without it, the
 * checks "in dark mode" would pass on the light page.
 */
export async function expectColorScheme(page: Page, scheme: "light" | "dark", where: string): Promise<void> {
  const { luminance, colorScheme, color } = await page.evaluate(() => {
    const color = getComputedStyle(document.body).backgroundColor;
    // Any CSS colour (oklch included) to sRGB through a 1×1 canvas.
    const ctx = document.createElement("canvas").getContext("2d")!;
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    const lin = (v: number) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return { luminance: 0.2126 * lin(d[0]!) + 0.7152 * lin(d[1]!) + 0.0722 * lin(d[2]!), colorScheme: getComputedStyle(document.documentElement).colorScheme, color };
  });
  expect(colorScheme, `${where}: color-scheme`).toBe(scheme);
  if (scheme === "dark") expect(luminance, `${where}: page background ${color} should be dark`).toBeLessThan(0.05);
  else expect(luminance, `${where}: page background ${color} should be light`).toBeGreaterThan(0.8);
}
