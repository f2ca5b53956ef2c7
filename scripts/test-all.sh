#!/usr/bin/env bash
# Installs what the tests need and runs every test: lint, types, unit + integration (PGlite, and
# PostgreSQL when one is reachable), and Playwright in Debian's Chromium. Exits non-zero if any
# test fails or if no test ran. Usage: npm test
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
start=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "Installing npm packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date with package-lock.json"
fi

step "Checking for Chromium"
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "Installing Debian's chromium (Playwright never downloads a browser here)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
export CHROMIUM_PATH

step "Looking for PostgreSQL"
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  candidate="postgres://postgres@127.0.0.1:5432/postgres"
  if node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),1500)"; then
    export TEST_DATABASE_URL="$candidate"
  fi
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # Under CI, a URL given but nothing answering it fails the run now.
  if [ "${CI:-}" = "true" ] && ! node -e "const p=require('postgres');const s=p(process.env.TEST_DATABASE_URL,{max:1,connect_timeout:5,onnotice:()=>{}});s\`select 1\`.then(()=>s.end().then(()=>process.exit(0)),()=>process.exit(1))"; then
    echo "PostgreSQL at $TEST_DATABASE_URL does not answer" >&2
    exit 1
  fi
  echo "Integration tests run on PGlite and on PostgreSQL ($TEST_DATABASE_URL)"
elif [ "${CI:-}" = "true" ]; then
  # Under CI the PostgreSQL-only tests (crash, multi-worker) must run, never be skipped.
  echo "CI=true but no PostgreSQL is reachable on 127.0.0.1:5432 (set TEST_DATABASE_URL or start it): failing" >&2
  exit 1
else
  echo "No PostgreSQL reachable on 127.0.0.1:5432: integration tests run on PGlite only"
fi

results=$(mktemp -d)

step "Lint"
npx eslint . --max-warnings=0

step "Type check"
npx tsc --noEmit -p .

step "Unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"

step "Build"
npx next build >"$results/build.log" 2>&1 || { cat "$results/build.log"; exit 1; }
tail -n 40 "$results/build.log"

step "JavaScript per page (every dashboard page within 200 kB gzip)"
npx tsx scripts/page-weight.ts

step "End-to-end tests (Playwright, Chromium)"
rm -rf e2e/.artifacts/auth test-results
PW_JSON_OUTPUT="$results/playwright.json" npx playwright test

step "Summary"
node scripts/test-summary.mjs "$results/vitest.json" "$results/playwright.json"
echo "Total time: $(( $(date +%s) - start ))s"
