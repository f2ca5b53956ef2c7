/**
 * The REST v1 endpoints the simulator answers, once the call is authenticated and admitted: pure
 * functions over an account's data, no I/O. Every answer is `{code: 0, data, account_id}` with
 * values as strings; errors are `{code: 1, message}` with a 4xx status.
 */
import { BodyError, bool, list, num, str } from "./body";
import { ConditionError, fieldOf, parseCondition } from "./condition";
import { OBJECT, idField, type Account, type Table } from "./store";
import type { RestRow } from "./types";

type Obj = Record<string, unknown>;

export interface RestCall {
  method: string;
  /** Path after `/1`, e.g. `/Contacts/saveorupdate`. */
  path: string;
  /** Query parameters merged with the decoded body (the body wins). */
  params: Obj;
  account: Account;
  /** Simulator clock, ms since epoch. */
  now: number;
}

export interface RestAnswer {
  status: number;
  body: unknown;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Answered by the tag calls (ONTRAPORT processes tags in the background). */
export const TAG_ADD_MESSAGE = "The tag is now being processed.";
export const TAG_REMOVE_MESSAGE = "The tag is now being removed.";
export const NOT_FOUND_MESSAGE = "Object not found";

const PLURAL: Record<string, number> = {
  contacts: OBJECT.contact,
  notes: OBJECT.note,
  tags: OBJECT.tag,
  products: OBJECT.product,
  purchases: OBJECT.purchase,
  transactions: OBJECT.transaction,
  taxes: OBJECT.tax,
};
const SINGULAR: Record<string, number> = {
  contact: OBJECT.contact,
  note: OBJECT.note,
  tag: OBJECT.tag,
  product: OBJECT.product,
  purchase: OBJECT.purchase,
  transaction: OBJECT.transaction,
  tax: OBJECT.tax,
};
/** Created only by the API's own operations (processManual), not by a plain create. */
const NOT_CREATABLE = new Set<number>([OBJECT.purchase, OBJECT.transaction]);
const RESERVED = new Set(["objectID", "objectid", "id", "ignore_blanks", "unique_id"]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_RANGE = 50;

const bad = (message: string): RestError => new RestError(400, message);

function ok(call: RestCall, data: unknown): RestAnswer {
  return { status: 200, body: { code: 0, data, account_id: call.account.accountId } };
}

function objectIdParam(params: Obj, fallback?: number): number {
  const raw = params.objectID ?? params.objectId ?? params.objectid;
  if (raw === undefined || raw === "") {
    if (fallback !== undefined) return fallback;
    throw bad("objectID is required");
  }
  const n = num(raw);
  if (n === undefined || !Number.isInteger(n) || n < 0) throw bad(`objectID must be a whole number, got ${JSON.stringify(raw)}`);
  return n;
}

function nowSeconds(call: RestCall): string {
  return String(Math.floor(call.now / 1000));
}

function money(n: number): string {
  return (Math.round(n * 100) / 100).toFixed(2);
}

/** Fields of a create/update: every parameter but the reserved ones, as strings. */
function fieldsOf(params: Obj): RestRow {
  const out: RestRow = {};
  for (const [k, v] of Object.entries(params)) {
    if (RESERVED.has(k) || k === "__proto__") continue;
    const s = str(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function checkEmail(fields: RestRow): void {
  const email = fields.email;
  if (email !== undefined && email !== "" && !EMAIL.test(email)) throw new RestError(422, `Invalid email address: ${email}`);
}

function where(params: Obj) {
  try {
    return parseCondition(params.condition);
  } catch (e) {
    if (e instanceof ConditionError) throw bad(`Invalid condition: ${e.message}`);
    throw e;
  }
}

/** Rows a collection read or a bulk action selects: `ids`, or `condition` (with `performAll`). */
function select(table: Table, params: Obj, needSelection: boolean): RestRow[] {
  const ids = list(params.ids);
  if (ids.length > 0) {
    const rows: RestRow[] = [];
    for (const id of ids) {
      const row = table.get(id);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }
  if (needSelection && params.condition === undefined && !bool(params.performAll)) {
    throw bad("ids is required (or condition, or performAll)");
  }
  return table.all(where(params));
}

// ---- generic objects --------------------------------------------------------------------------

function listObjects(call: RestCall, objectID: number): RestAnswer {
  const p = call.params;
  let rows = select(call.account.data.table(objectID), p, false);
  const search = str(p.search);
  if (search !== undefined && search !== "") {
    const needle = search.toLowerCase();
    rows = rows.filter((r) => Object.values(r).some((v) => v.toLowerCase().includes(needle)));
  }
  const sort = str(p.sort);
  if (sort !== undefined && sort !== "") {
    const dir = str(p.sortDir)?.toLowerCase() === "desc" ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = fieldOf(a, sort) ?? "";
      const y = fieldOf(b, sort) ?? "";
      const c = /^-?\d+(\.\d+)?$/.test(x) && /^-?\d+(\.\d+)?$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
      return c * dir;
    });
  }
  const start = num(p.start) ?? 0;
  const range = num(p.range) ?? MAX_RANGE;
  if (!Number.isInteger(start) || start < 0) throw bad("start must be a whole number");
  if (!Number.isInteger(range) || range < 0) throw bad("range must be a whole number");
  return ok(
    call,
    rows.slice(start, start + Math.min(range, MAX_RANGE)).map((r) => ({ ...r })),
  );
}

function getInfo(call: RestCall, objectID: number): RestAnswer {
  const rows = select(call.account.data.table(objectID), call.params, false);
  return ok(call, { listFields: [], listFieldSettings: [], count: String(rows.length) });
}

function getOne(call: RestCall, objectID: number): RestAnswer {
  const id = str(call.params.id);
  if (id === undefined || id === "") throw bad("id is required");
  const row = call.account.data.table(objectID).get(id);
  if (row === undefined) throw new RestError(404, NOT_FOUND_MESSAGE);
  return ok(call, { ...row });
}

function validateNew(call: RestCall, objectID: number, fields: RestRow): void {
  if (NOT_CREATABLE.has(objectID)) {
    throw bad(objectID === OBJECT.transaction ? "Transactions are created with POST /1/transaction/processManual" : `objectID ${objectID} is read-only`);
  }
  if (objectID === OBJECT.contact) checkEmail(fields);
  if (objectID === OBJECT.product && (fields.name ?? "") === "") throw bad("name is required for a product");
  if (objectID === OBJECT.tax && (fields.name ?? "") === "") throw bad("name is required for a tax");
  if (objectID === OBJECT.tag) {
    if ((fields.tag_name ?? "") === "") throw bad("tag_name is required for a tag");
    fields.object_type_id ??= "0";
  }
  if (objectID === OBJECT.note && fields.contact_id !== undefined && call.account.data.table(OBJECT.contact).get(fields.contact_id) === undefined) {
    throw bad(`contact_id ${fields.contact_id} is not a contact`);
  }
}

function insert(call: RestCall, objectID: number, fields: RestRow): RestRow {
  validateNew(call, objectID, fields);
  const stamp = nowSeconds(call);
  const base: RestRow = objectID === OBJECT.tag ? {} : { date: stamp, dlm: stamp };
  return call.account.data.table(objectID).insert({ ...base, ...fields });
}

function create(call: RestCall, objectID: number): RestAnswer {
  const row = insert(call, objectID, fieldsOf(call.params));
  return ok(call, { ...row });
}

function update(call: RestCall, objectID: number): RestAnswer {
  const id = str(call.params.id ?? call.params[idField(objectID)]);
  if (id === undefined || id === "") throw bad("id is required");
  const row = call.account.data.table(objectID).get(id);
  if (row === undefined) throw new RestError(400, NOT_FOUND_MESSAGE);
  const fields = fieldsOf(call.params);
  delete fields[idField(objectID)];
  if (objectID === OBJECT.contact) checkEmail(fields);
  Object.assign(row, fields, objectID === OBJECT.tag ? {} : { dlm: nowSeconds(call) });
  return ok(call, { attrs: { ...fields, id } });
}

function remove(call: RestCall, objectID: number): RestAnswer {
  const table = call.account.data.table(objectID);
  const id = str(call.params.id);
  const rows = id !== undefined && id !== "" ? [table.get(id)].filter((r) => r !== undefined) : select(table, call.params, true);
  if (rows.length === 0) throw new RestError(400, NOT_FOUND_MESSAGE);
  for (const r of rows) table.rows.delete(r[idField(objectID)] ?? "");
  return ok(call, "Deleted");
}

// ---- contacts -------------------------------------------------------------------------------------

function saveOrUpdate(call: RestCall, objectID: number): RestAnswer {
  if (objectID !== OBJECT.contact) throw bad("saveorupdate is for contacts (objectID 0)");
  const table = call.account.data.table(OBJECT.contact);
  let fields = fieldsOf(call.params);
  checkEmail(fields);
  const uniqueId = str(call.params.unique_id);
  let target: RestRow | undefined;
  if (uniqueId !== undefined && uniqueId !== "") target = table.all((r) => r.unique_id === uniqueId)[0];
  const email = fields.email?.toLowerCase();
  if (target === undefined && email !== undefined && email !== "") target = table.all((r) => r.email?.toLowerCase() === email)[0];
  if (target === undefined) return ok(call, { ...insert(call, OBJECT.contact, fields) });
  if (bool(call.params.ignore_blanks)) fields = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ""));
  Object.assign(target, fields, { dlm: nowSeconds(call) });
  return ok(call, { attrs: { ...fields, id: target.id ?? "" } });
}

function getByEmail(call: RestCall): RestAnswer {
  if (objectIdParam(call.params, OBJECT.contact) !== OBJECT.contact) throw bad("getByEmail is for contacts (objectID 0)");
  const email = str(call.params.email)?.toLowerCase();
  if (email === undefined || !EMAIL.test(email)) throw new RestError(404, NOT_FOUND_MESSAGE);
  const ids = call.account.data
    .table(OBJECT.contact)
    .all((r) => r.email?.toLowerCase() === email)
    .map((r) => r.id ?? "");
  if (ids.length === 0) throw new RestError(404, NOT_FOUND_MESSAGE);
  return ok(call, bool(call.params.all) ? { ids } : { id: ids[0] });
}

// ---- tags ----------------------------------------------------------------------------------------

function tagIdsOf(row: RestRow): string[] {
  return (row.contact_cat ?? "").split("*/*").filter((x) => x !== "");
}

function setTagIds(row: RestRow, ids: string[]): void {
  row.contact_cat = ids.length === 0 ? "" : `*/*${ids.join("*/*")}*/*`;
}

function changeTags(call: RestCall, byName: boolean, add: boolean): RestAnswer {
  const p = call.params;
  const objectID = objectIdParam(p, OBJECT.contact);
  const targets = select(call.account.data.table(objectID), p, true);
  const tags = call.account.data.table(OBJECT.tag);
  let tagIds: string[];
  if (byName) {
    const names = list(add ? p.add_names : p.remove_names);
    if (names.length === 0) throw bad(add ? "add_names is required" : "remove_names is required");
    tagIds = [];
    for (const name of names) {
      const found = tags.all((t) => t.tag_name === name && (t.object_type_id ?? "0") === String(objectID))[0];
      if (found !== undefined) tagIds.push(found.tag_id ?? "");
      else if (add) tagIds.push(tags.insert({ tag_name: name, object_type_id: String(objectID) }).tag_id ?? "");
    }
  } else {
    tagIds = list(add ? p.add_list : p.remove_list);
    if (tagIds.length === 0) throw bad(add ? "add_list is required" : "remove_list is required");
    tagIds = tagIds.filter((id) => tags.get(id) !== undefined);
  }
  for (const row of targets) {
    const current = tagIdsOf(row);
    const next = add ? [...current, ...tagIds.filter((id) => !current.includes(id))] : current.filter((id) => !tagIds.includes(id));
    setTagIds(row, next);
  }
  return ok(call, add ? TAG_ADD_MESSAGE : TAG_REMOVE_MESSAGE);
}

// ---- transactions ----------------------------------------------------------------------------------

function asObj(v: unknown, what: string): Obj {
  if (typeof v === "string" && v.trim().startsWith("{")) {
    try {
      return asObj(JSON.parse(v), what);
    } catch {
      throw bad(`${what} is not valid JSON`);
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(`${what} must be an object`);
  return v as Obj;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null || v === "") return [];
  if (Array.isArray(v)) return v;
  if (typeof v === "object") return Object.values(v as Obj);
  return [v];
}

function processManual(call: RestCall): RestAnswer {
  const p = call.params;
  const data = call.account.data;
  const contactId = str(p.contact_id);
  if (contactId === undefined || contactId === "") throw bad("contact_id is required");
  if (data.table(OBJECT.contact).get(contactId) === undefined) throw bad(`contact_id ${contactId} is not a contact`);
  const chargeNow = str(p.chargeNow);
  if (chargeNow !== "chargeNow" && chargeNow !== "chargeLog") throw bad('chargeNow is required: "chargeNow" or "chargeLog"');
  if (p.offer === undefined) throw bad("offer is required");
  const offer = asObj(p.offer, "offer");
  const products = asArray(offer.products);
  if (products.length === 0) throw bad("offer.products must list at least one product");
  let subTotal = 0;
  const lines: { productId: string; quantity: number; price: number; total: number; type: string }[] = [];
  products.forEach((raw, i) => {
    const label = `offer.products[${i}]`;
    const line = asObj(raw, label);
    const productId = str(line.id);
    if (productId === undefined || productId === "") throw bad(`${label}.id is required`);
    const product = data.table(OBJECT.product).get(productId);
    if (product === undefined) throw bad(`${label}.id ${productId} is not a product`);
    const quantity = num(line.quantity);
    if (quantity === undefined || !Number.isFinite(quantity) || quantity <= 0) throw bad(`${label}.quantity is required and must be a positive number`);
    const firstPrice = asArray(line.price)[0];
    const priceRaw = typeof firstPrice === "object" && firstPrice !== null ? (firstPrice as Obj).price : firstPrice;
    const price = num(priceRaw) ?? num(product.price) ?? 0;
    if (!Number.isFinite(price)) throw bad(`${label}.price must be a number`);
    const total = num(line.total) ?? price * quantity;
    if (!Number.isFinite(total)) throw bad(`${label}.total must be a number`);
    subTotal += total;
    lines.push({ productId, quantity, price, total, type: str(line.type) ?? "single" });
  });
  let taxTotal = 0;
  asArray(offer.taxes).forEach((raw, i) => {
    const label = `offer.taxes[${i}]`;
    const tax = asObj(raw, label);
    const id = str(tax.id);
    if (id === undefined || id === "" || id === "0" || data.table(OBJECT.tax).get(id) === undefined) {
      throw bad(`${label}.id must be an existing tax (objectID 63), got ${JSON.stringify(tax.id ?? null)}`);
    }
    const amount = num(tax.taxTotal) ?? 0;
    if (!Number.isFinite(amount)) throw bad(`${label}.taxTotal must be a number`);
    taxTotal += amount;
  });
  const given = (name: string): number | undefined => {
    const v = num(offer[name]);
    if (v !== undefined && !Number.isFinite(v)) throw bad(`offer.${name} must be a number`);
    return v;
  };
  const sub = given("subTotal") ?? subTotal;
  const grand = given("grandTotal") ?? sub + taxTotal;
  const transDate = num(p.trans_date);
  if (transDate !== undefined && !Number.isFinite(transDate)) throw bad("trans_date must be epoch milliseconds");
  const stamp = nowSeconds(call);
  const fields: RestRow = {
    contact_id: contactId,
    status: "1",
    date: transDate === undefined ? stamp : String(Math.floor(transDate / 1000)),
    dlm: stamp,
    template_id: str(p.invoice_template) ?? "1",
    subtotal: money(sub),
    tax: money(taxTotal),
    shipping: "0.00",
    total: money(grand),
    order_id: "0",
    gateway_id: str(p.gateway_id) ?? "0",
    offer_data: JSON.stringify(offer),
    recharge_attempts: "0",
  };
  const external = str(p.external_order_id);
  if (external !== undefined) fields.external_order_id = external;
  const oprid = str(p.oprid);
  if (oprid !== undefined) fields.oprid = oprid;
  const trans = data.table(OBJECT.transaction).insert(fields);
  const invoiceId = trans.id ?? "";
  for (const l of lines) {
    data.table(OBJECT.purchase).insert({
      invoice_id: invoiceId,
      contact_id: contactId,
      product_id: l.productId,
      quantity: String(l.quantity),
      price: money(l.price),
      total_price: money(l.total),
      status: "1",
      type: l.type,
      order_id: "0",
      date: fields.date ?? stamp,
      ...(oprid === undefined ? {} : { oprid }),
    });
  }
  if (chargeNow === "chargeLog") return ok(call, { invoice_id: invoiceId });
  return ok(call, { result_code: "1", transaction_id: invoiceId, external_txn: `sim-${invoiceId}`, message: "Success!", invoice_id: invoiceId });
}

function refund(call: RestCall): RestAnswer {
  const p = call.params;
  const objectID = objectIdParam(p, OBJECT.transaction);
  if (objectID !== OBJECT.transaction) throw bad("objectID must be 46 (Transaction) for a refund");
  const table = call.account.data.table(OBJECT.transaction);
  const ids = list(p.ids);
  const unknown = ids.filter((id) => table.get(id) === undefined);
  if (unknown.length > 0) throw bad(`no transaction with id ${unknown.join(", ")}`);
  const rows = select(table, p, true);
  if (rows.length === 0) throw bad("no transaction matches");
  const refunded = new Set<string>();
  for (const row of rows) {
    row.status = "2";
    row.dlm = nowSeconds(call);
    refunded.add(row.id ?? "");
  }
  for (const purchase of call.account.data.table(OBJECT.purchase).rows.values()) {
    if (refunded.has(purchase.invoice_id ?? "")) purchase.status = "4";
  }
  return ok(call, "Refunded");
}

const NAMES: Record<number, string> = {
  [OBJECT.contact]: "Contact",
  [OBJECT.note]: "Note",
  [OBJECT.tag]: "Tag",
  [OBJECT.product]: "Product",
  [OBJECT.purchase]: "Purchase",
  [OBJECT.transaction]: "Transaction",
  [OBJECT.tax]: "Tax",
};

/** `GET /objects/meta[?objectID=N]`: the object types by id (fields are not described). */
function meta(call: RestCall): RestAnswer {
  const wanted = call.params.objectID === undefined ? undefined : objectIdParam(call.params);
  const out: Record<string, { name: string; fields: Record<string, never> }> = {};
  for (const [id, name] of Object.entries(NAMES)) {
    if (wanted === undefined || wanted === Number(id)) out[id] = { name, fields: {} };
  }
  if (Object.keys(out).length === 0) throw bad(`unknown objectID ${String(wanted)}`);
  return ok(call, out);
}

// ---- routing ---------------------------------------------------------------------------------------

function route(call: RestCall): RestAnswer {
  const segments = call.path
    .toLowerCase()
    .split("/")
    .filter((s) => s !== "");
  const [first, second, ...rest] = segments;
  const m = call.method;
  if (first === undefined || rest.length > 0) throw new RestError(404, `unknown endpoint ${m} /1${call.path}`);
  const p = call.params;

  if (first === "objects" || first === "object") {
    if (second === undefined) {
      const objectID = objectIdParam(p);
      if (first === "objects") {
        if (m === "GET") return listObjects(call, objectID);
        if (m === "POST") return create(call, objectID);
        if (m === "PUT") return update(call, objectID);
        if (m === "DELETE") return remove(call, objectID);
      } else {
        if (m === "GET") return getOne(call, objectID);
        if (m === "DELETE") return remove(call, objectID);
        if (m === "PUT") return update(call, objectID);
      }
    } else if (second === "saveorupdate" && m === "POST") {
      return saveOrUpdate(call, objectIdParam(p, OBJECT.contact));
    } else if (second === "getinfo" && m === "GET") {
      return getInfo(call, objectIdParam(p));
    } else if (second === "meta" && m === "GET") {
      return meta(call);
    } else if (second === "getbyemail" && m === "GET") {
      return getByEmail(call);
    } else if ((second === "tag" || second === "tagbyname") && (m === "PUT" || m === "DELETE")) {
      return changeTags(call, second === "tagbyname", m === "PUT");
    }
    throw new RestError(404, `unknown endpoint ${m} /1${call.path}`);
  }

  if (first === "transaction") {
    if (second === "processmanual" && m === "POST") return processManual(call);
    if (second === "refund" && m === "PUT") return refund(call);
    if (second === undefined) {
      if (m === "GET") return getOne(call, OBJECT.transaction);
    }
    throw new RestError(404, `unknown endpoint ${m} /1${call.path}`);
  }

  const plural = PLURAL[first];
  if (plural !== undefined) {
    if (second === undefined) {
      if (m === "GET") return listObjects(call, plural);
      if (m === "POST") return create(call, plural);
      if (m === "PUT") return update(call, plural);
      if (m === "DELETE") return remove(call, plural);
    } else if (second === "saveorupdate" && m === "POST") {
      return saveOrUpdate(call, plural);
    } else if (second === "getinfo" && m === "GET") {
      return getInfo(call, plural);
    }
    throw new RestError(404, `unknown endpoint ${m} /1${call.path}`);
  }
  const singular = SINGULAR[first];
  if (singular !== undefined && second === undefined) {
    if (m === "GET") return getOne(call, singular);
    if (m === "DELETE") return remove(call, singular);
    if (m === "PUT") return update(call, singular);
  }
  throw new RestError(404, `unknown endpoint ${m} /1${call.path}`);
}

/** Answer one authenticated, admitted REST call. */
export function callRest(call: RestCall): RestAnswer {
  try {
    return route(call);
  } catch (e) {
    if (e instanceof RestError) return { status: e.status, body: { code: 1, message: e.message } };
    if (e instanceof BodyError) return { status: 400, body: { code: 1, message: e.message } };
    throw e;
  }
}
