import fs from "node:fs";
import path from "node:path";

/** Every file below `dirs` (relative to the working directory) that `keep` accepts, sorted: the sweep tests find what to check from the file tree. */
export function filesUnder(dirs: string[], keep: (file: string, name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(p, e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}
