#!/usr/bin/env node
// Runs every package's tests twice: once on the embedded defaults (PGlite + in-process adapters)
// and once on real services when DATABASE_URL / REDIS_URL are set. Prints one closing summary line.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const reportRoot = path.join(root, "test-output", "reports");
const extraArgs = process.argv.slice(2);

const real = {
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
};
const modes = [{ name: "embedded", env: { DATABASE_URL: undefined, REDIS_URL: undefined } }];
if (real.DATABASE_URL || real.REDIS_URL) modes.push({ name: "real", env: real });

/** Lines of a failed task's output repeated in the closing summary. */
const TAIL_LINES = 60;

/**
 * `turbo run test` with its output passed through as it comes and kept (without colors), and
 * the tasks turbo names as failed (`Failed: @genflow/core#test` → `@genflow/core:test`).
 */
function runTurbo(env) {
  return new Promise((resolve, reject) => {
    const child = spawn("turbo", ["run", "test", "--concurrency=1", "--continue", ...extraArgs], {
      cwd: root,
      env,
      stdio: ["inherit", "pipe", "pipe"],
    });
    const lines = [];
    let partial = "";
    const keep = (chunk) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const part of parts) lines.push(stripVTControlCharacters(part).trimEnd());
    };
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      keep(chunk);
    });
    child.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      keep(chunk);
    });
    child.on("error", reject);
    child.on("close", (status) => {
      if (partial) lines.push(stripVTControlCharacters(partial).trimEnd());
      const failedTasks = new Set();
      for (const line of lines) {
        const match = /^\s*Failed:\s+(\S+)#(\S+)/.exec(line);
        if (match) failedTasks.add(`${match[1]}:${match[2]}`);
      }
      resolve({ status, lines, failedTasks: [...failedTasks] });
    });
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
let exitCode = 0;

for (const mode of modes) {
  const reportDir = path.join(reportRoot, mode.name);
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const env = { ...process.env, GENFLOW_TEST_REPORT_DIR: reportDir, GENFLOW_TEST_MODE: mode.name };
  for (const [key, value] of Object.entries(mode.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  console.log(
    `\n=== tests: ${mode.name} mode ${
      mode.name === "real"
        ? `(${Object.keys(real)
            .filter((k) => real[k])
            .join(", ")})`
        : "(PGlite, in-process adapters)"
    } ===\n`,
  );
  const run = await runTurbo(env);
  if (run.status !== 0) exitCode = 1;

  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const file of readdirSync(reportDir).filter((f) => f.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(path.join(reportDir, file), "utf8"));
    counts.passed += report.numPassedTests ?? 0;
    counts.failed += report.numFailedTests ?? 0;
    counts.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const suite of report.testResults ?? []) {
      const testFile = path.relative(root, suite.name ?? "");
      for (const test of suite.assertionResults ?? []) {
        if (test.status !== "failed") continue;
        const reason = String(test.failureMessages?.[0] ?? "").split("\n")[0];
        failures.push(`[${mode.name}] ${testFile} > ${test.fullName ?? test.title}\n    ${reason}`);
      }
      if ((suite.assertionResults ?? []).length === 0 && suite.status === "failed") {
        failures.push(
          `[${mode.name}] ${testFile}\n    ${String(suite.message ?? "").split("\n")[0]}`,
        );
      }
    }
  }
  // A test task can fail with every test passed (an unhandled error, a crashed worker): say
  // which, with the end of its output, since its lines may be far above the summary.
  for (const task of run.failedTasks) {
    const tail = run.lines
      .filter((line) => line.startsWith(`${task}:`) && !line.includes("✓"))
      .slice(-TAIL_LINES);
    failures.push(
      `[${mode.name}] ${task} failed; the end of its output:\n    ${tail.join("\n    ")}`,
    );
  }
  console.log(
    `\n${mode.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  if (counts.failed > 0) exitCode = 1;
}

if (totals.passed === 0) {
  console.error("No test ran.");
  exitCode = 1;
}
if (failures.length > 0) console.log(`\nFailed:\n${failures.join("\n")}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
