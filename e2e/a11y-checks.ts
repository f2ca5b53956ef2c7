import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** A violation known, reported and left to the engineer who owns the file (the rule on that one selector only). */
export interface KnownIssue {
  rule: string;
  target: string;
  owner: string;
}

/** Axe on the page as it is now; fails listing each serious or critical violation's id, help and targets. */
export async function expectNoSeriousViolations(page: Page, where: string, include?: string, known: KnownIssue[] = []): Promise<void> {
  let builder = new AxeBuilder({ page });
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
