/** Money is integer cents everywhere; these are the only conversions to and from text. */

export function formatDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`not integer cents: ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function formatMoney(cents: number, currency = "USD"): string {
  const symbol = currency === "USD" ? "$" : currency === "EUR" ? "€" : currency === "GBP" ? "£" : "";
  const s = formatDecimal(Math.abs(cents));
  const [whole, frac] = s.split(".");
  const grouped = (whole ?? "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${cents < 0 ? "-" : ""}${symbol}${grouped}.${frac}${symbol ? "" : ` ${currency}`}`;
}

/** Parses `19.9`, `19.90`, `$1,019.90` into cents; null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const t = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ""] = t.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

/** a * b / c rounded half up, in integers (for proportional tax refunds). */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  if (c === 0) return 0;
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  const q = n / d;
  const r = n % d;
  return Number(r * 2n >= d ? q + 1n : q);
}
