// What the engine tells the window about itself: a switch to another engine
// (another backend profile) and a refused sign-in.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FAST, fake, goUnavailable, openApp, textOf, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";

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

describe("a message that could not be sent", () => {
  test("says why, and Try again sends it again with the same id", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { ...FAST, welcome: "0" },
    });
    try {
      await fake(page, (f) => {
        f.emit({
          kind: "messageAdded",
          message: {
            id: "u1",
            author: { kind: "user" },
            body: { kind: "text", text: "my card is blocked" },
            sentAt: Date.now(),
            delivery: "sending",
          },
        });
        f.emit({
          kind: "messageFailed",
          id: "u1",
          failure: { code: "backendRejected", messageId: "error-backend-rejected", args: {} },
        });
      });
      const message = ".message[data-message-id=u1]";
      await waitForAttribute(page, message, "data-delivery", "failed");
      assert.equal(await textOf(page, `${message} .message__delivery`), "This message could not be sent.");
      assert.equal(
        await textOf(page, `${message} .message__failure`),
        "The service did not accept this. Nothing you wrote is lost.",
      );
      const retry = page.locator(`${message} .button--retry`);
      assert.equal(await retry.textContent(), "Try again");
      const box = await retry.boundingBox();
      assert.ok(box.height >= 64 && box.width >= 64, `a big target: ${JSON.stringify(box)}`);
      await retry.click();
      await waitForAttribute(page, message, "data-delivery", "sent");
      assert.deepEqual(await fake(page, (f) => f.retriedIds), ["u1"]);
      assert.equal(await page.locator(`${message} .button--retry`).count(), 0);
      assert.equal(await page.locator(`${message} .message__failure`).count(), 0);
      assert.equal(await page.locator("#transcript .message").count(), 1, "the same message, not a copy");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("a message left while the service cannot be reached", () => {
  test("is kept, said so, and passed on once when the connection returns", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: FAST });
    try {
      await goUnavailable(page);
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForAttribute(page, "#app", "data-connection", "reconnecting");
      await page.locator("#leave-message-text").fill("Please call me about my pension");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-queued");
      await waitForText(
        page,
        "#transcript",
        "Warmline has kept your message. It will be passed on by itself as soon as the service can be reached.",
      );
      await waitForText(
        page,
        "#handoff-panel",
        "Your message is kept. It will be passed on as soon as the connection is back.",
      );
      assert.equal(await page.locator("#leave-message-form").count(), 0, "the form is done");
      assert.deepEqual(await fake(page, (f) => f.leftMessages), []);

      await fake(page, (f) => f.setConnection("online"));
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      await waitForText(page, "#transcript", "Your message was received. Your reference is FAKE-0001.");
      assert.deepEqual(
        (await fake(page, (f) => f.leftMessages)).map((m) => m.text),
        ["Please call me about my pension"],
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
