// Read aloud in the chat and in the settings window, on the fake backend:
// "Read aloud again" under each reply (never under the user's own words),
// "Stop reading" only while it reads, the microphone stopping it, no speech
// engine said in words; the caregiver's on/off, rate and voice.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { boxOf, fake, openApp, textOf, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";

const env = useBrowser();

const stopShown = (page) => page.locator("#stop-reading").count();

describe("read aloud in the chat", () => {
  test("each reply has a big Read aloud again; Stop reading shows only while it reads", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { readMsPerChar: "200" } });
    try {
      await page.locator("#composer-input").fill("Where is my parcel?");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length >= 2);
      const counts = await page.evaluate(() => ({
        replies: document.querySelectorAll('.message[data-author-kind="bot"], .message[data-author-kind="agent"]').length,
        buttons: document.querySelectorAll(".message [data-read-for]").length,
        onOwn: document.querySelectorAll('.message[data-author-kind="user"] [data-read-for]').length,
      }));
      assert.equal(counts.buttons, counts.replies, "one under each reply");
      assert.equal(counts.onOwn, 0, "none under the user's own words");
      const last = page.locator(".message[data-author-kind='bot']:last-child [data-read-for]");
      assert.equal(await last.textContent(), "Read aloud again");
      const box = await boxOf(page, ".message[data-author-kind='bot']:last-child [data-read-for]");
      assert.ok(box.width >= 44 && box.height >= 44, `a big target: ${box.width}x${box.height}`);
      assert.equal(await stopShown(page), 0, "no Stop reading while nothing is read");

      const id = await last.getAttribute("data-read-for");
      await last.click();
      await page.waitForSelector("#stop-reading");
      assert.equal(await textOf(page, "#stop-reading"), "Stop reading");
      assert.deepEqual(await fake(page, (f) => f.readAloud.readIds), [id]);
      await page.locator("#stop-reading").click();
      await page.waitForSelector("#stop-reading", { state: "detached" });
      assert.equal(await fake(page, (f) => f.readAloud.stopCalls()), 1);

      // Reading that the engine started by itself (a new reply) shows it too.
      await fake(page, (f) => f.readAloud.setReading(true));
      await page.waitForSelector("#stop-reading");
      await fake(page, (f) => f.readAloud.setReading(false));
      await page.waitForSelector("#stop-reading", { state: "detached" });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("pressing the microphone stops reading, and nothing is read while it listens", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { readMsPerChar: "500" } });
    try {
      const button = page.locator(".message[data-author-kind='bot'] [data-read-for]").first();
      await button.click();
      await page.waitForSelector("#stop-reading");
      await page.locator("#mic-button").click();
      await waitForAttribute(page, "#mic-button", "data-voice-state", "listening");
      await page.waitForSelector("#stop-reading", { state: "detached" });
      await button.click();
      await waitForText(page, "#alert", "Nothing is read aloud while the microphone is listening");
      assert.equal(await stopShown(page), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("without a speech engine the button says why in words, and chatting goes on", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { speech: "none" } });
    try {
      await page.locator(".message[data-author-kind='bot'] [data-read-for]").first().click();
      await waitForText(page, "#alert", "no speech engine");
      await page.locator("#composer-input").fill("Hello");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.__warmlineFake.sentTexts.includes("Hello"));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the Chinese interface reads in Chinese words on the buttons", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang: "zh-CN", readMsPerChar: "300" } });
    try {
      const button = page.locator(".message[data-author-kind='bot'] [data-read-for]").first();
      assert.equal(await button.textContent(), "再读一遍");
      await button.click();
      await page.waitForSelector("#stop-reading");
      assert.equal(await textOf(page, "#stop-reading"), "停止朗读");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

async function openSettings(query = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  await page.goto(`${env.server.url}settings.html?${new URLSearchParams({ pin: "4711", ...query })}`);
  await page.waitForSelector("#settings-app:not([data-screen=loading])");
  await page.locator("#pin-input").fill("4711");
  await page.keyboard.press("Enter");
  await waitForAttribute(page, "#settings-app", "data-screen", "open");
  return { page, context, problems };
}

describe("read aloud in the settings", () => {
  test("on, rate and voice are saved; the voices are the UI language's", async () => {
    const { page, context, problems } = await openSettings();
    try {
      await waitForAttribute(page, "#read-aloud-section", "data-engine", "ready");
      assert.equal(await page.locator("#read-aloud-enabled").isChecked(), false, "off by default");
      await page.locator("#read-aloud-enabled").check();
      await waitForAttribute(page, "#settings-said", "data-message-id", "settings-saved");
      await page.locator("#read-aloud-rate").selectOption("75");
      const voices = await page.locator("#read-aloud-voice option").allTextContents();
      assert.deepEqual(voices.slice(1), ["English (America)", "English (Great Britain)"]);
      await page.locator("#read-aloud-voice").selectOption("English (Great Britain)");
      const saved = await page.evaluate(async () => {
        // The fields show what was saved (a refused save puts them back).
        for (let i = 0; i < 50; i += 1) {
          const rate = document.querySelector("#read-aloud-rate").value;
          const voice = document.querySelector("#read-aloud-voice").value;
          if (rate === "75" && voice === "English (Great Britain)") return { rate, voice };
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return null;
      });
      assert.deepEqual(saved, { rate: "75", voice: "English (Great Britain)" });
      assert.equal(await page.locator("#read-aloud-problem").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("no speech engine: a clear message in the section, the rest of the settings work", async () => {
    const { page, context, problems } = await openSettings({ speech: "none" });
    try {
      await waitForAttribute(page, "#read-aloud-section", "data-engine", "problem");
      assert.match(await textOf(page, "#read-aloud-problem"), /no speech engine/);
      assert.equal(await page.locator("#read-aloud-voice").count(), 0, "no voices to choose");
      await page.locator("#text-size-select").selectOption("150");
      await waitForAttribute(page, "#settings-said", "data-message-id", "settings-saved");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
