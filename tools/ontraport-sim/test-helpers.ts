/**
 * Small HTTP helpers for the simulator's tests (plain node:http, no keep-alive, so a dropped
 * connection or a delayed answer is seen exactly as a sender would see it).
 */
import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

export interface PostOptions {
  key?: string | undefined;
  reqType?: string | undefined;
  data?: string | undefined;
  transmissionId?: string | undefined;
  path?: string | undefined;
  /** Send this body instead of building the form. */
  body?: string | undefined;
  contentType?: string | undefined;
  signal?: AbortSignal | undefined;
}

export function httpRequest(
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: out, body: buf, text: buf.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** POST a notification form the way the contract's sender does. */
export function postNotification(baseUrl: string, o: PostOptions): Promise<RawResponse> {
  const form = new URLSearchParams();
  if (o.key !== undefined) form.set("key", o.key);
  if (o.reqType !== undefined) form.set("reqType", o.reqType);
  if (o.data !== undefined) form.set("data", o.data);
  const headers: Record<string, string> = {
    "Content-Type": o.contentType ?? "application/x-www-form-urlencoded; charset=utf-8",
    "User-Agent": "cartlink/test",
  };
  if (o.transmissionId !== undefined) headers["X-Transmission-Id"] = o.transmissionId;
  return httpRequest(`${baseUrl}${o.path ?? "/"}`, "POST", o.body ?? form.toString(), headers, o.signal);
}
