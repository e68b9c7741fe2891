#!/usr/bin/env node
// `pnpm test`: builds the packages, typechecks and lints the workspace, then runs every
// package's test suite one after another (vitest, and web-test-runner in real Chromium for the
// widgets) and the root scripts' tests. Every step runs even after a failure; the summary at
// the end lists each one, and the exit code is 1 if any failed.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Chrome or Chromium for the widget tests: CHROME_PATH, else the usual install locations. */
function findChrome() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  const candidates = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  ];
  return candidates.find((p) => existsSync(p));
}

/** Workspace packages (pnpm-workspace.yaml: apps/*, packages/*, examples, bench) that have a test script. */
function packagesWithTests() {
  const dirs = [];
  for (const group of ["packages", "apps"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base, { withFileTypes: true }).sort(
      (a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name),
    )) {
      if (d.isDirectory()) dirs.push(join(base, d.name));
    }
  }
  dirs.push(join(root, "examples"), join(root, "bench"));
  return dirs.flatMap((dir) => {
    const file = join(dir, "package.json");
    if (!existsSync(file)) return [];
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    return pkg.scripts?.test ? [{ name: pkg.name, dir }] : [];
  });
}
// Dependencies first, so the first failure is the most telling.
function order(name) {
  const i = ["core", "db", "sdk", "widgets", "api", "realtime", "dashboard"].indexOf(name);
  return i === -1 ? 99 : i;
}

function run(cmd, args, cwd, env) {
  return new Promise((r) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: "inherit" });
    child.on("exit", (code, signal) => r(signal ? 1 : (code ?? 1)));
    child.on("error", (err) => {
      console.error(err);
      r(1);
    });
  });
}

const chrome = findChrome();
const env = { CI: process.env.CI ?? "true", WRANGLER_SEND_METRICS: "false", ...(chrome ? { CHROME_PATH: chrome } : {}) };

const steps = [
  { name: "build", cmd: "pnpm", args: ["run", "build"], cwd: root },
  { name: "typecheck", cmd: "pnpm", args: ["run", "typecheck"], cwd: root },
  { name: "lint", cmd: "pnpm", args: ["run", "lint"], cwd: root },
  ...packagesWithTests().map((p) => ({ name: `${p.name} (${relative(root, p.dir)})`, cmd: "pnpm", args: ["run", "test"], cwd: p.dir })),
  { name: "scripts (pnpm dev)", cmd: process.execPath, args: ["--test", "--test-reporter=spec", "scripts/*.test.mjs"], cwd: root },
];

const only = process.argv.slice(2);
const selected = only.length ? steps.filter((s) => only.some((o) => s.name.includes(o))) : steps;
if (selected.length === 0) {
  console.error(`No step matches ${only.join(", ")}. Steps: ${steps.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

const results = [];
const started = performance.now();
for (const step of selected) {
  console.log(
    `\n${paint(1, `━━ ${step.name}`)} ${paint(2, `(${step.cmd === process.execPath ? "node" : step.cmd} ${step.args.join(" ")})`)}\n`,
  );
  const t0 = performance.now();
  const code = await run(step.cmd, step.args, step.cwd, env);
  results.push({ name: step.name, ok: code === 0, seconds: (performance.now() - t0) / 1000 });
}

const failed = results.filter((r) => !r.ok);
console.log(`\n${paint(1, "━━ Summary")}\n`);
for (const r of results) {
  const mark = r.ok ? paint(32, "✓ pass") : paint(31, "✗ FAIL");
  console.log(`  ${mark}  ${r.name.padEnd(44)} ${r.seconds.toFixed(1).padStart(6)} s`);
}
const total = ((performance.now() - started) / 1000).toFixed(1);
if (!chrome) console.log(`\n  ${paint(33, "No Chrome or Chromium found: set CHROME_PATH to run the widget tests.")}`);
console.log(
  failed.length
    ? `\n${paint(31, `${failed.length} of ${results.length} steps failed`)} in ${total} s: ${failed.map((r) => r.name).join(", ")}\n`
    : `\n${paint(32, `All ${results.length} steps passed`)} in ${total} s.\n`,
);
process.exit(failed.length ? 1 : 0);
