// What the engine tells the window about itself: a switch to another engine
// (another backend profile) and a refused sign-in.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fake, openApp, textOf, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";

const env = useBrowser();

function transcriptTexts(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#transcript .message .message__text")].map((el) => el.textContent),
  );
}

describe("a switch to another engine", () => {
  test("the window shows the new conversation whole and misses none of its first events", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { replyDelayMs: "40" } });
    try {
      await page.locator("#composer-input").fill("hello");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length === 2);
      // The new engine numbers its events from 1 again, below what the
      // window has seen of the old one.
      await fake(page, (f) => {
        f.switchEngine();
        f.addMessage({ kind: "agent", name: "Ana", demo: false }, "first of the new engine");
        f.addMessage({ kind: "agent", name: "Ana", demo: false }, "second of the new engine");
      });
      await waitForText(page, "#transcript", "second of the new engine");
      await page.waitForTimeout(100);
      assert.deepEqual(await transcriptTexts(page), ["first of the new engine", "second of the new engine"]);
      // And it keeps following the new engine.
      await fake(page, (f) => f.addMessage({ kind: "agent", name: "Ana", demo: false }, "third"));
      await waitForText(page, "#transcript", "third");
      assert.equal((await transcriptTexts(page)).length, 3);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("a refused sign-in", () => {
  test("is said in the status area while it lasts, and goes when the connection is back", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => {
        f.setConnection("signInNeeded");
        f.emit({ kind: "failed", error: { code: "signInRefused", messageId: "error-sign-in-refused", args: {} } });
      });
      await waitForAttribute(page, "#app", "data-connection", "signInNeeded");
      assert.equal(
        await textOf(page, "#handoff-panel"),
        "Waiting for the sign-in to be fixed. Your messages are kept and will be sent then.",
      );
      await waitForText(page, "#alert", "Warmline cannot sign in to the service. Ask the person who set it up.");
      await fake(page, (f) => f.setConnection("online"));
      await waitForAttribute(page, "#app", "data-connection", "online");
      assert.equal(await textOf(page, "#handoff-panel"), "");
      assert.equal(await textOf(page, "#alert"), "");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
