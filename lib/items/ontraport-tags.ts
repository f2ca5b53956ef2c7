// An item's ONTRAPORT tags (custom field `oapTags`): the tags its buyers get when a Sale is logged
// over ONTRAPORT's REST API. Comma-separated in one field; each tag at most 100 characters, at most
// 20 per item, no control characters; blanks and repeats (ignoring case) dropped.

export const MAX_TAGS_PER_ITEM = 20;
export const MAX_TAG_NAME = 100;

export type TagListResult = { ok: true; value: string } | { ok: false; error: string };

/** "Shirts,  red things ,Shirts" → "Shirts, red things"; "" when none. */
export function normalizeTagList(input: string): TagListResult {
  if (/[\p{Cc}]/u.test(input.replace(/[\t\r\n]/g, " ")) || /[\uD800-\uDFFF]/u.test(input.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) {
    return { ok: false, error: "Tags cannot contain control characters." };
  }
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of input.split(",")) {
    const t = raw.replace(/\s+/g, " ").trim();
    if (t === "") continue;
    if (t.length > MAX_TAG_NAME) return { ok: false, error: `Each tag is at most ${MAX_TAG_NAME} characters ("${t.slice(0, 30)}…" is longer).` };
    if (seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    tags.push(t);
  }
  if (tags.length > MAX_TAGS_PER_ITEM) return { ok: false, error: `At most ${MAX_TAGS_PER_ITEM} tags per item.` };
  return { ok: true, value: tags.join(", ") };
}
