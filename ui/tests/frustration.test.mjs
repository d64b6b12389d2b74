// The fake backend's frustration rules (src/backend/frustration.ts) against
// the cases the engine's Rust test runs too
// (warmline-core/data/frustration-cases.json), with the rules both read
// (frustration-rules.json). No browser: the module is transpiled on its own.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { UI_DIR } from "./helpers.mjs";

const DATA_DIR = path.resolve(UI_DIR, "..", "src-tauri", "crates", "warmline-core", "data");

let dir;
let createFrustration;
let rules;
let cases;

before(async () => {
  const source = await readFile(path.join(UI_DIR, "src", "backend", "frustration.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "warmline-frustration-"));
  const file = path.join(dir, "frustration.mjs");
  await writeFile(file, outputText);
  ({ createFrustration } = await import(pathToFileURL(file).href));
  rules = JSON.parse(await readFile(path.join(DATA_DIR, "frustration-rules.json"), "utf8"));
  cases = JSON.parse(await readFile(path.join(DATA_DIR, "frustration-cases.json"), "utf8")).cases;
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("the shared cases give the same verdicts in the fake as in the engine", () => {
  assert.ok(cases.length >= 5, "the cases file lost its cases");
  for (const { name, steps } of cases) {
    const frustration = createFrustration(rules);
    steps.forEach((step, index) => {
      const got =
        "bot" in step ? frustration.botAnswered(step.bot, step.understood) : frustration.userWrote(step.user);
      assert.equal(got, step.expect, `${name}: step ${index + 1}`);
    });
  }
});
