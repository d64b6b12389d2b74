// The accessibility audit, shared by the UI tests (Chromium) and the
// end-to-end test (the real WebKitGTK webview, tests/e2e/tests/accessibility.rs,
// which reads axe-options.json and axe-core's own axe.min.js).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Which rules run and which findings are explained exceptions. */
export const AXE_OPTIONS = JSON.parse(await readFile(path.join(here, "axe-options.json"), "utf8"));
const AXE_SOURCE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe in the page; returns the violations that are not explained in
 * axe-options.json (each as "rule: selector: summary"), the explained ones,
 * and how many rules passed.
 */
export async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(
    (run) => window.axe.run(document, run).then((r) => ({
      passes: r.passes.length,
      incomplete: r.incomplete.map((v) => v.id),
      violations: r.violations.flatMap((v) =>
        v.nodes.map((n) => ({ rule: v.id, selector: n.target.join(" "), summary: n.failureSummary.replace(/\s+/g, " ") })),
      ),
    })),
    AXE_OPTIONS.run,
  );
  const explained = (v) => AXE_OPTIONS.exceptions.some((e) => e.rule === v.rule && new RegExp(e.selector).test(v.selector));
  return {
    passes: result.passes,
    incomplete: result.incomplete,
    unexplained: result.violations.filter((v) => !explained(v)).map((v) => `${v.rule}: ${v.selector}: ${v.summary}`),
    explained: result.violations.filter(explained).map((v) => `${v.rule}: ${v.selector}`),
  };
}
