// The accessibility audit of the caregiver's settings window (settings.html
// on the fake settings service): the same axe-core rules and explained
// exceptions as the chat window's audit (axe-audit.mjs), on each of its
// screens, in English and in Chinese at three times the text size.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { installColour } from "./colour.mjs";
import { audit } from "./axe-audit.mjs";
import { useBrowser, waitForAttribute } from "./helpers.mjs";

const env = useBrowser();

/** Each screen of the settings window and how to reach it. */
const SCREENS = {
  "choose a PIN": { query: {}, reach: async () => {} },
  "enter the PIN": { query: { pin: "4711" }, reach: async () => {} },
  "a wrong PIN": {
    query: { pin: "4711" },
    reach: async (page) => {
      await page.locator("#pin-input").fill("0000");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#pin-input[aria-invalid=true], [role=alert]:not(:empty)");
    },
  },
  "the area, open": { query: { pin: "4711" }, reach: unlock },
  "a new service with a wrong field": {
    query: { pin: "4711" },
    reach: async (page) => {
      await unlock(page);
      await page.locator("#profile-add").click();
      await page.selectOption("#profile-kind", "relay");
      await page.locator("#profile-field-name").fill("My bank");
      await page.locator("#profile-field-url").fill("http//bank.example");
      await page.locator("#profile-save").click();
      await waitForAttribute(page, "#profile-field-url-error", "data-message-id", "field-error-not-a-url");
    },
  },
  "a broken settings file": { query: { pin: "4711", settingsProblem: "invalid" }, reach: unlock },
};

async function unlock(page) {
  await page.locator("#pin-input").fill("4711");
  await page.keyboard.press("Enter");
  await waitForAttribute(page, "#settings-app", "data-screen", "open");
}

async function auditScreen(t, name, { lang, textScale, viewport = { width: 1000, height: 800 } } = {}) {
  const screen = SCREENS[name];
  const context = await env.browser.newContext({ viewport });
  context.setDefaultTimeout(5000);
  await context.addInitScript(installColour);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  try {
    const query = { ...screen.query, ...(lang ? { lang } : {}), ...(textScale ? { textScale } : {}) };
    await page.goto(`${env.server.url}settings.html?${new URLSearchParams(query)}`);
    await page.waitForSelector("#settings-app:not([data-screen=loading])");
    await screen.reach(page);
    if (lang) {
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang, "the window is in the language asked for");
    }
    const result = await audit(page);
    assert.deepEqual(result.unexplained, [], `${name}: axe found violations`);
    assert.ok(result.passes > 15, `${name}: axe ran (${result.passes} rules passed)`);
    assert.deepEqual(problems, []);
    t.diagnostic(`${name}: ${result.passes} rules passed, ${result.explained.length} explained exceptions`);
  } finally {
    await context.close();
  }
}

describe("axe-core audit of the settings window", () => {
  test("the audit can fail here too: a field without a label is found", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${env.server.url}settings.html?pin=4711`);
      await page.waitForSelector("#settings-app:not([data-screen=loading])");
      await page.evaluate(() => {
        const input = document.createElement("input");
        input.id = "unlabelled";
        document.querySelector("#settings-app").append(input);
      });
      const result = await audit(page);
      assert.ok(result.unexplained.some((v) => v.startsWith("label: #unlabelled")), result.unexplained.join("\n"));
    } finally {
      await context.close();
    }
  });

  for (const name of Object.keys(SCREENS)) {
    test(`${name}: no violations`, async (t) => {
      await auditScreen(t, name);
    });
  }
  for (const name of ["enter the PIN", "the area, open"]) {
    test(`${name} in Chinese at three times the text size in a small window: no violations`, async (t) => {
      await auditScreen(t, name, { lang: "zh-CN", textScale: "3", viewport: { width: 480, height: 600 } });
    });
  }
});
