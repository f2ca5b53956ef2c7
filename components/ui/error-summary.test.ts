import { describe, expect, it } from "vitest";
import { summaryEntries, type Target } from "./error-summary";

const t = (name: string, index: number): Target => ({ name, index, href: index < 0 ? "" : `#${name}` });

describe("ErrorSummary's entries", () => {
  it("links field errors in the order the fields appear in the form, not the order they came in", () => {
    const errors = { postalCode: "Enter your postal code.", firstName: "Enter your first name.", email: "Enter a valid email." };
    const { links, formLevel } = summaryEntries("Some fields need attention.", errors, [t("postalCode", 9), t("firstName", 2), t("email", 4)]);
    expect(links.map((l) => l.message)).toEqual(["Enter your first name.", "Enter a valid email.", "Enter your postal code."]);
    expect(links[0]!.href).toBe("#firstName");
    // The generic message is not repeated: the heading says there is a problem.
    expect(formLevel).toEqual([]);
  });

  it("shows an error without a field on the page once, as text, and never a message twice", () => {
    const same = "This checkout form expired. Reload the page and try again.";
    const { links, formLevel } = summaryEntries(same, { checkoutKey: same, theme: same, cardNumber: "Enter the card number." }, [t("checkoutKey", -1), t("theme", -1), t("cardNumber", 3)]);
    expect(formLevel).toEqual([same]);
    expect(links.map((l) => l.message)).toEqual(["Enter the card number."]);
  });

  it("shows a form-level error alone when no field explains it", () => {
    expect(summaryEntries("Wrong email or password.", {}, [])).toEqual({ formLevel: ["Wrong email or password."], links: [] });
    expect(summaryEntries(undefined, {}, null)).toEqual({ formLevel: [], links: [] });
  });

  it("does not repeat a field's message that the server also sent as the form-level error", () => {
    const declined = "Your card was declined.";
    const { links, formLevel } = summaryEntries(declined, { cardNumber: declined }, [t("cardNumber", 5)]);
    expect(links.map((l) => l.message)).toEqual([declined]);
    expect(formLevel).toEqual([]);
  });
});
