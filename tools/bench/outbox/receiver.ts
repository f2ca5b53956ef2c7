import { spawn, type ChildProcess } from "node:child_process";
import { allowLocalOrigin } from "@/lib/net/egress";

// A bare ONTRAPORT stand-in in its own process that answers every POST with Success, for measuring
// the queue itself: the simulator validates every document strictly and is the slower party here.

const SOURCE = `
import http from "node:http";
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => { n++; res.writeHead(200, { "content-type": "application/xml" }); res.end("<result><status>Success</status><id>" + n + "</id></result>"); });
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
process.on("SIGTERM", () => process.exit(0));
`;

export interface Receiver {
  endpoint: string;
  close(): void;
}

export async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", SOURCE], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once("exit", (code) => reject(new Error(`receiver exited ${code}`)));
  });
  allowLocalOrigin(`http://127.0.0.1:${port}/`);
  return { endpoint: `http://127.0.0.1:${port}/`, close: () => child.kill("SIGTERM") };
}
