import { describe, expect, it } from "vitest";
import { ConditionError, parseCondition } from "./condition";
import { list, num, parseBody, parseFormNested } from "./body";
import type { RestRow } from "./types";

const rows: RestRow[] = [
  { id: "1", name: "Widget", price: "10.00", email: "Ann@Example.com" },
  { id: "2", name: "Gadget", price: "5.00", sku: "G-1" },
  { id: "3", name: "O'Brien", price: "7.50", sku: "" },
];
const ids = (condition: unknown) => rows.filter(parseCondition(condition)).map((r) => r.id);
const c = (field: string, op: string, value: unknown) => ({ field: { field }, op, value: { value } });

describe("condition", () => {
  it("reads the JSON form: = <> > < >= <= IN NOT IN IS LIKE, AND before OR", () => {
    expect(ids(undefined)).toEqual(["1", "2", "3"]);
    expect(ids("")).toEqual(["1", "2", "3"]);
    expect(ids(JSON.stringify([c("email", "=", "ann@example.com")]))).toEqual(["1"]);
    expect(ids(JSON.stringify([c("id", "=", 2)]))).toEqual(["2"]);
    expect(ids(JSON.stringify([c("id", "<>", 2)]))).toEqual(["1", "3"]);
    expect(ids(JSON.stringify([c("price", ">=", "7.5")]))).toEqual(["1", "3"]);
    expect(ids(JSON.stringify([c("price", "<", 7)]))).toEqual(["2"]);
    expect(ids(JSON.stringify([{ field: { field: "id" }, op: "IN", value: { list: [{ value: 1 }, { value: "3" }] } }]))).toEqual(["1", "3"]);
    expect(ids(JSON.stringify([{ field: { field: "id" }, op: "not in", value: { list: [{ value: 1 }] } }]))).toEqual(["2", "3"]);
    expect(ids(JSON.stringify([{ field: { field: "sku" }, op: "IS", value: "NULL" }]))).toEqual(["1"]);
    expect(ids(JSON.stringify([{ field: { field: "sku" }, op: "IS", value: { value: "NOT NULL" } }]))).toEqual(["2", "3"]);
    expect(ids(JSON.stringify([c("name", "LIKE", "%adg%")]))).toEqual(["2"]);
    expect(ids(JSON.stringify([c("id", "=", 1), "OR", c("id", "=", 2), "AND", c("sku", "=", "nope")]))).toEqual(["1"]);
    expect(ids(JSON.stringify([[c("id", "=", 1), "OR", c("id", "=", 2)], "AND", c("sku", "=", "G-1")]))).toEqual(["2"]);
    // leniencies: one object, bare field and value, no joiner
    expect(ids({ field: "name", op: "=", value: "gadget" })).toEqual(["2"]);
    expect(ids([c("price", ">", 1), c("id", "=", 3)])).toEqual(["3"]);
    expect(ids(JSON.stringify([c("missing", "=", "x")]))).toEqual([]);
    expect(ids(JSON.stringify([c("toString", "=", "x")]))).toEqual([]); // never an inherited property
    expect(ids("constructor IS NULL")).toEqual(["1", "2", "3"]);
  });

  it("reads the legacy SQL-like string form", () => {
    expect(ids("name='Gadget'")).toEqual(["2"]);
    expect(ids("name = 'O''Brien'")).toEqual(["3"]);
    expect(ids(`name = "Widget" OR (id >= 2 AND sku <> '')`)).toEqual(["1", "2"]);
    expect(ids("id IN (1, 3) and price > 8")).toEqual(["1"]);
    expect(ids("id NOT IN (1)")).toEqual(["2", "3"]);
    expect(ids("sku IS NULL")).toEqual(["1"]);
    expect(ids("sku IS NOT NULL")).toEqual(["2", "3"]);
    expect(ids("name LIKE 'W%'")).toEqual(["1"]);
    expect(ids("`name` NOT LIKE 'W%'")).toEqual(["2", "3"]);
  });

  it("names what is wrong", () => {
    for (const bad of [
      "[",
      JSON.stringify([c("id", "~", 1)]),
      JSON.stringify(["AND", c("id", "=", 1)]),
      JSON.stringify([c("id", "=", 1), "AND"]),
      JSON.stringify([c("id", "=", 1), "XOR", c("id", "=", 2)]),
      JSON.stringify([{ op: "=", value: { value: 1 } }]),
      JSON.stringify([{ field: { field: "id" }, op: "IN", value: { value: 1 } }]),
      JSON.stringify([{ field: { field: "id" }, op: "IS", value: "EMPTY" }]),
      "name = 'open",
      "name",
      "name = 'x' junk",
      "(name = 'x'",
    ]) {
      expect(() => parseCondition(bad), bad).toThrow(ConditionError);
    }
  });
});

describe("body decoding", () => {
  it("decodes PHP-style bracket forms into objects and arrays", () => {
    expect(parseFormNested("a=1&offer[products][0][id]=11&offer[products][0][price][0][price]=10&offer[products][1][id]=12&ids[]=3&ids[]=4")).toEqual({
      a: "1",
      offer: { products: [{ id: "11", price: [{ price: "10" }] }, { id: "12" }] },
      ids: ["3", "4"],
    });
    expect(parseFormNested("__proto__[x]=1&a[__proto__]=2&b=3")).toEqual({ b: "3" });
  });

  it("reads JSON by Content-Type or by look, forms otherwise", () => {
    expect(parseBody("application/json", '{"a":1}')).toEqual({ a: 1 });
    expect(parseBody("", '{"a":1}')).toEqual({ a: 1 });
    expect(parseBody("text/plain", " {\"a\":[1]}")).toEqual({ a: [1] });
    expect(parseBody("application/x-www-form-urlencoded", "a=1&b=x%20y")).toEqual({ a: "1", b: "x y" });
    expect(parseBody("application/json", "")).toEqual({});
    expect(() => parseBody("application/json", "[1]")).toThrow("must be an object");
    expect(() => parseBody("application/json", "{")).toThrow("not valid JSON");
  });

  it("reads lists and numbers loosely", () => {
    expect(list([1, "2"])).toEqual(["1", "2"]);
    expect(list("1, 2,3")).toEqual(["1", "2", "3"]);
    expect(list("[4,5]")).toEqual(["4", "5"]);
    expect(list(7)).toEqual(["7"]);
    expect(list(undefined)).toEqual([]);
    expect(list({ 0: "a", 1: "b" })).toEqual(["a", "b"]);
    expect(num("12.50")).toBe(12.5);
    expect(num(3)).toBe(3);
    expect(num("")).toBeUndefined();
    expect(num("abc")).toBeNaN();
  });
});
