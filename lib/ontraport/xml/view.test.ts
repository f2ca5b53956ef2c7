import { describe, expect, it } from "vitest";
import { prettyXml, prettyXmlText, redactSecrets } from "./view";

const SALE = `<?xml version="1.0" encoding="UTF-8"?><notification type="sale" version="1" id="x"><merchant id="DEMO"/><order id="DEMO-0000042"><contact><Group_Tag name="Contact Information"><field name="First Name">&lt;script&gt;alert(1)&lt;/script&gt;</field><field name="Address 2"></field></Group_Tag></contact><total>43.09</total></order></notification>`;

describe("prettyXml", () => {
  it("puts one element per line, indented, with text-only elements on one line", () => {
    expect(prettyXmlText(SALE)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<notification type="sale" version="1" id="x">',
        '  <merchant id="DEMO"/>',
        '  <order id="DEMO-0000042">',
        "    <contact>",
        '      <Group_Tag name="Contact Information">',
        '        <field name="First Name">&lt;script&gt;alert(1)&lt;/script&gt;</field>',
        '        <field name="Address 2"></field>',
        "      </Group_Tag>",
        "    </contact>",
        "    <total>43.09</total>",
        "  </order>",
        "</notification>",
        "",
      ].join("\n"),
    );
  });

  it("tokenizes tags, attributes and values for highlighting, losing no character", () => {
    const lines = prettyXml(SALE)!;
    const field = lines.find((l) => l.tokens.some((t) => t.text.includes("script")))!;
    expect(field.tokens.map((t) => t.kind)).toEqual(["punct", "tag", "text", "attr", "punct", "value", "punct", "text", "punct", "tag", "punct"]);
    expect(field.tokens.find((t) => t.kind === "text" && t.text.includes("script"))!.text).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("answers null for a pixel URL or broken XML, which are shown as plain text", () => {
    expect(prettyXml("https://x.ontraport.com/p?order_id=1")).toBeNull();
    expect(prettyXml("<a><b")).toBeNull();
    expect(prettyXmlText("https://x.ontraport.com/p?order_id=1&key=abc")).toBe("https://x.ontraport.com/p?order_id=1&key=[redacted]");
  });
});

describe("redactSecrets", () => {
  it("hides key= values and <key> elements wherever they appear", () => {
    expect(redactSecrets("key=s3cr3t&reqType=sale&data=%3C")).toBe("key=[redacted]&reqType=sale&data=%3C");
    expect(redactSecrets("POST /?api_key=abc def")).toBe("POST /?api_key=[redacted] def");
    expect(redactSecrets("<key>abc</key>")).toBe("<key>[redacted]</key>");
    expect(redactSecrets('<field name="monkey">banana</field>')).toBe('<field name="monkey">banana</field>');
  });
});

describe("log words", () => {
  it("names every transmission type of the schema", async () => {
    const { TRANSMISSION_TYPES } = await import("@/lib/db/schema/ontraport");
    const { LOG_TYPES } = await import("../log/words");
    expect([...LOG_TYPES].sort()).toEqual([...TRANSMISSION_TYPES].sort());
  });
});
