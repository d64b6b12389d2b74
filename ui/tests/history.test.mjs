// A long history: the window opens with the newest messages drawn, draws and
// fetches older ones as the reader scrolls up, and still announces new ones.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openApp, settle, useBrowser } from "./helpers.mjs";

const env = useBrowser();

function transcript(page) {
  return page.evaluate(() => {
    const log = document.querySelector("#transcript");
    const texts = [...log.querySelectorAll(".message .message__text")].map((el) => el.textContent);
    return {
      role: log.getAttribute("role"),
      count: texts.length,
      first: texts[0],
      last: texts[texts.length - 1],
      scrollTop: log.scrollTop,
      atEnd: log.scrollHeight - log.scrollTop - log.clientHeight < 2,
    };
  });
}

/** Scrolls the transcript to its top, as a reader would, and waits a frame. */
async function scrollToTop(page) {
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.querySelector("#transcript").scrollTop = 0;
        requestAnimationFrame(() => requestAnimationFrame(resolve));
      }),
  );
}

describe("a long history", () => {
  test("10,000 messages open with only the newest drawn, at the end, in the log", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { history: "10000" },
    });
    try {
      const shown = await transcript(page);
      assert.equal(shown.role, "log");
      assert.ok(shown.count > 20 && shown.count <= 100, `drawn: ${shown.count}`);
      assert.match(shown.last, /I am Sunny/, "the newest message is the last one");
      assert.ok(shown.atEnd, "the window opens at the newest message");

      // A new message lands at the end of the same log (announced as before).
      await page.locator("#composer-input").fill("still here");
      await page.locator("#send-button").click();
      await page.waitForFunction(() => {
        const texts = [...document.querySelectorAll("#transcript .message__text")];
        return texts.some((el) => el.textContent === "still here");
      });
      // Read what was painted: "Sunny is writing…" appears under the log just
      // after the message is drawn and shrinks the view; the view follows it
      // before the next paint, so a read in between is not what anyone saw.
      await settle(page);
      const after = await transcript(page);
      assert.ok(after.atEnd || after.last !== "still here", "the reader follows their own message");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("scrolling up draws older messages in place and fetches pages back to the first", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { history: "250" },
    });
    try {
      const start = await transcript(page);
      let previous = start;
      for (let round = 0; round < 20; round += 1) {
        await scrollToTop(page);
        await page.waitForFunction(
          (count) => document.querySelectorAll("#transcript .message").length > count,
          previous.count,
        ).catch(() => undefined);
        const now = await transcript(page);
        if (now.first === previous.first) {
          break;
        }
        // What the reader was reading is kept in view, not jumped over.
        assert.ok(now.scrollTop > 0, `round ${round}: the view stays on what was read`);
        previous = now;
      }
      assert.equal(previous.first, "Earlier message 1 of 250: a line of an old conversation.");
      assert.equal(previous.count, 251, "every message once, the welcome last");
      const texts = await page.evaluate(() =>
        [...document.querySelectorAll("#transcript .message__text")].map((el) => el.textContent),
      );
      assert.equal(new Set(texts).size, texts.length, "no message drawn twice");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
