// Prints one closing line, "tests: N passed, N failed, N skipped", from vitest's and Playwright's
// JSON reports, and exits non-zero when a test failed or none ran.
import fs from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const [vitestFile, playwrightFile] = process.argv.slice(2);

const v = JSON.parse(fs.readFileSync(vitestFile, "utf8"));
passed += v.numPassedTests ?? 0;
failed += v.numFailedTests ?? 0;
skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
console.log(`vitest: ${v.numPassedTests} passed, ${v.numFailedTests} failed in ${v.numTotalTestSuites} suites`);

const p = JSON.parse(fs.readFileSync(playwrightFile, "utf8"));
const s = p.stats ?? {};
passed += s.expected ?? 0;
failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
skipped += s.skipped ?? 0;
console.log(`playwright: ${s.expected ?? 0} passed, ${(s.unexpected ?? 0) + (s.flaky ?? 0)} failed, ${s.skipped ?? 0} skipped`);

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
