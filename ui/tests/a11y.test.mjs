// The automated accessibility audit: axe-core with the WCAG 2.0/2.1/2.2 A
// and AA rules, the AAA ones it has (contrast 7:1) and its best practices,
// on every state of the window. Exceptions are listed, each with its
// reason, in axe-options.json and docs/ACCESSIBILITY.md.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { audit } from "./axe-audit.mjs";
import { openApp, useBrowser } from "./helpers.mjs";
import { STATES } from "./states.mjs";

const env = useBrowser();

async function auditState(name, options = {}) {
  const state = STATES[name];
  const { page, context, problems } = await openApp(env.browser, env.server.url, {
    ...options,
    query: { ...(state.query ?? {}), ...(options.query ?? {}) },
  });
  try {
    await state.reach(page);
    const result = await audit(page);
    assert.deepEqual(result.unexplained, [], `${name}: axe found violations`);
    assert.ok(result.passes > 20, `${name}: axe ran (${result.passes} rules passed)`);
    assert.deepEqual(problems, []);
    return result;
  } finally {
    await context.close();
  }
}

describe("axe-core audit", () => {
  for (const name of Object.keys(STATES)) {
    test(`${name}: no violations`, async () => {
      await auditState(name);
    });
  }
  for (const name of ["idle", "queued", "unavailable"]) {
    test(`${name} in Chinese at three times the text size in a small window: no violations`, async () => {
      await auditState(name, { query: { lang: "zh-CN", textScale: "3" }, viewport: { width: 480, height: 600 } });
    });
  }

  test("the audit can fail: a button without a name and grey text are found", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.evaluate(() => {
        const b = document.createElement("button");
        b.id = "nameless";
        document.querySelector(".topbar__actions").append(b);
        document.querySelector(".topbar__title").style.color = "#888";
      });
      const result = await audit(page);
      assert.ok(result.unexplained.some((v) => v.startsWith("button-name: #nameless")), result.unexplained.join("\n"));
      assert.ok(result.unexplained.some((v) => v.startsWith("color-contrast-enhanced:")), result.unexplained.join("\n"));
    } finally {
      await context.close();
    }
  });
});
