// Structured JSON logs on stderr: one object a line, with a level, a message and context
// (merchant, transmission id, request id). Secrets never reach a log: fields whose names look like
// secrets are replaced, and messages are truncated.

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const SECRET_FIELD = /key|secret|password|token|authorization|cookie/i;

function threshold(): number {
  const l = (process.env.LOG_LEVEL ?? "info") as Level | "silent";
  return ORDER[l] ?? ORDER.info;
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_FIELD.test(k) && !/fingerprint|Id$/i.test(k)) out[k] = "[redacted]";
    else if (typeof v === "string") out[k] = v.length > 2000 ? `${v.slice(0, 2000)}…` : v;
    else out[k] = v;
  }
  return out;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < threshold()) return;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...redactFields(fields) })}\n`);
}
