// The draft survives a crash or a restart: it is restored into the text box
// and saved as the user types.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fake, openApp, useBrowser } from "./helpers.mjs";

const env = useBrowser();

describe("the draft", () => {
  test("a draft kept by the engine is back in the text box after a restart", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { draft: "My parcel did not arr" },
    });
    try {
      assert.equal(await page.locator("#composer-input").inputValue(), "My parcel did not arr");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("typing is saved shortly after the last key, and sending clears the saved draft", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { clock: true });
    try {
      await page.locator("#composer-input").fill("Where is");
      await page.clock.runFor(100);
      assert.equal(await fake(page, (f) => f.savedDraft()), "", "not saved while still typing");
      await page.clock.runFor(1000);
      assert.equal(await fake(page, (f) => f.savedDraft()), "Where is");

      await page.locator("#composer-input").fill("Where is my parcel?");
      await page.locator("#send-button").click();
      await page.waitForSelector('.message[data-author-kind="user"]');
      await page.clock.runFor(1000);
      assert.equal(await fake(page, (f) => f.savedDraft()), "", "a sent message is no longer a draft");
    } finally {
      await context.close();
    }
  });

  test("hiding the window saves the draft at once", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { clock: true });
    try {
      await page.locator("#composer-input").fill("half a sentence");
      // Let the window react to the typing, but not long enough to save.
      await page.clock.runFor(50);
      assert.equal(await fake(page, (f) => f.savedDraft()), "");
      await page.evaluate(() => {
        Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      assert.equal(await fake(page, (f) => f.savedDraft()), "half a sentence");
    } finally {
      await context.close();
    }
  });

  test("a restored draft does not overwrite what the user already typed", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, {
      query: { draft: "old words", holdSnapshot: "1" },
      waitLoaded: false,
    });
    try {
      await page.locator("#composer-input").fill("new words");
      await fake(page, (f) => f.releaseSnapshot());
      await page.waitForSelector('#app[data-loaded="true"]');
      assert.equal(await page.locator("#composer-input").inputValue(), "new words");
    } finally {
      await context.close();
    }
  });
});
