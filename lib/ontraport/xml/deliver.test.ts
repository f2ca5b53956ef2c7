import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "@/tools/testing/fc-runs";
import { classify, classifyParsed, formBody, type DeliveryResponse } from "./deliver";

const answer = (body: string, statusCode: number | null = 200): DeliveryResponse => ({ statusCode, body, rateLimitReset: null, durationMs: 5, error: null });

describe("classify", () => {
  it("reads ONTRAPORT's answers as the response table says", () => {
    expect(classify(answer("<result><status>Success</status><id>42</id></result>"))).toEqual({ kind: "delivered" });
    expect(classify(answer('<?xml version="1.0" encoding="UTF-8"?>\n<result>\n  <status>Success</status>\n</result>\n'))).toEqual({ kind: "delivered" });
    expect(classify(answer("<error>Invalid product</error>"))).toEqual({ kind: "rejected", message: "Invalid product" });
    expect(classify(answer("<result><status>Failure</status></result>")).kind).toBe("transient");
    expect(classify(answer("<result><status>Success</status>")).kind).toBe("transient");
    expect(classify(answer("<result><status>Success</status><status>Success</status></result>")).kind).toBe("transient");
    expect(classify(answer("Success")).kind).toBe("transient");
    // Nothing may come before the declaration (a stray newline is a classic PHP artifact).
    expect(classify(answer('\n<?xml version="1.0"?><result><status>Success</status></result>')).kind).toBe("transient");
    for (const odd of ["\u00A0", "\uFEFF"]) expect(classify(answer(`${odd}<result><status>Success</status></result>`))).toEqual(classifyParsed(answer(`${odd}<result><status>Success</status></result>`)));
    expect(classify(answer("<error>bad key</error>", 403))).toEqual({ kind: "stale_key", message: "bad key" });
    expect(classify({ ...answer("", 429), rateLimitReset: 7 })).toEqual({ kind: "rate_limited", resetSeconds: 7 });
    expect(classify(answer("<result><status>Success</status></result>", 500)).kind).toBe("transient");
    expect(classify(answer("<result><status>Success</status></result>", 404)).kind).toBe("bad_request");
    expect(classify({ ...answer("", null), error: "Connection error: ECONNRESET" })).toEqual({ kind: "transient", message: "Connection error: ECONNRESET" });
  });

  it("answers exactly as the XML parser would, whatever the body (the plain-Success shortcut never differs)", () => {
    const piece = fc.constantFrom(
      "<result>",
      "</result>",
      "<status>",
      "</status>",
      "Success",
      "success",
      " Success ",
      "<id>",
      "</id>",
      "12",
      "<id/>",
      "<status/>",
      "<error>",
      "</error>",
      "&amp;",
      "&lt;",
      "<![CDATA[Success]]>",
      "<!-- c -->",
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<?xml version="1.0"?>',
      "<?xml version='1.0'?>",
      "<a b='1'>",
      "</a>",
      "<status x='y'>",
      "\n",
      "  ",
      "\t",
      "\r\n",
      "\u00A0",
      "\uFEFF",
      "\u2028",
      "<",
      ">",
      "/",
    );
    const body = fc.oneof(
      fc.array(piece, { maxLength: 14 }).map((p) => p.join("")),
      // Near misses of the usual answer.
      fc
        .tuple(fc.array(piece, { maxLength: 3 }), fc.array(piece, { maxLength: 3 }), fc.array(piece, { maxLength: 3 }))
        .map(([a, b, c]) => `${a.join("")}<result>${b.join("")}<status>Success</status>${c.join("")}</result>`),
      fc
        .tuple(fc.array(piece, { maxLength: 2 }), fc.array(piece, { maxLength: 2 }))
        .map(([a, b]) => `${a.join("")}<?xml version="1.0" encoding="UTF-8"?>${b.join("")}<result><status>Success</status><id>1</id></result>`),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(body, fc.constantFrom(200, 201, 299), (b, code) => {
        expect(classify(answer(b, code))).toEqual(classifyParsed(answer(b, code)));
      }),
      { numRuns: runs(3000) },
    );
  });

  it("stays quick on a long hostile body", () => {
    const body = `<result><status>Success</status>${"<a>x</a> ".repeat(900)}${" ".repeat(2000)}</resul>`;
    expect(classify(answer(body)).kind).toBe("transient");
  });
});

describe("formBody", () => {
  // Any code point, and lone surrogates too (a JS string can hold them; encodeURIComponent throws on them).
  const anyUnit = fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.constantFrom("\uD800", "\uDBFF", "\uDC00", "\uDFFF"));

  it("decodes, as a form, to exactly the key, type and XML given (any Unicode)", () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), fc.constantFrom("sale", "refund", "key"), fc.string({ unit: anyUnit, maxLength: 300 }), (apiKey, reqType, xml) => {
        const form = new URLSearchParams(formBody({ apiKey, reqType, xml }));
        // What URLSearchParams itself would send (a lone surrogate becomes U+FFFD).
        const expected = new URLSearchParams({ key: apiKey, reqType, data: xml });
        expect([...form]).toEqual([...expected]);
      }),
      { numRuns: runs(1000) },
    );
  });
});
