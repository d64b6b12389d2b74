// "Talk to a person": the request, the queue, the agent, cancelling.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fake, launchBrowser, openApp, startServer, textOf, waitForAttribute, waitForText } from "./helpers.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const handoffState = (page) => page.getAttribute("#app", "data-handoff-state");
const statusText = (page) => textOf(page, "#handoff-status");

async function advance(page) {
  await fake(page, (f) => f.advanceQueue());
}

describe("talk to a person", () => {
  test("requested → queued 3, 2, 1 → connected to Mei, told in words", async () => {
    const { page, context, problems } = await openApp(browser, server.url);
    try {
      assert.equal(await handoffState(page), "none");
      assert.equal(await page.locator("#person-cancel-button").count(), 0, "no Cancel before asking");

      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.equal(await statusText(page), "You asked for a person. Waiting for the service to answer.");
      await waitForText(page, "#transcript", "You asked to talk to a person.");
      assert.equal(await page.locator("#person-cancel-button").textContent(), "Cancel request");
      assert.equal(await page.locator("#person-button").isVisible(), true, "the person button stays");

      await advance(page);
      await waitForAttribute(page, "#app", "data-handoff-state", "queued");
      assert.equal(await statusText(page), "You are number 3 in line.Expected wait: about 3 minutes.");
      const lines = await page.locator("#handoff-status p").allTextContents();
      assert.deepEqual(lines, ["You are number 3 in line.", "Expected wait: about 3 minutes."]);

      await advance(page);
      await waitForText(page, "#handoff-status", "You are number 2 in line.");
      assert.match(await statusText(page), /Expected wait: about 2 minutes\./);

      await advance(page);
      await waitForText(page, "#handoff-status", "You are next in line.");
      assert.match(await statusText(page), /Expected wait: less than a minute\./);
      assert.equal(await page.locator("#person-cancel-button").count(), 1);

      await advance(page);
      await waitForAttribute(page, "#app", "data-handoff-state", "connected");
      assert.equal(await statusText(page), "You are talking to Mei (demo agent).");
      assert.equal(await page.locator("#person-cancel-button").count(), 0, "nothing to cancel once connected");
      await waitForText(page, "#transcript", "Mei joined the conversation.");
      await page.waitForSelector('.message[data-author-kind="agent"]');
      const agent = page.locator('.message[data-author-kind="agent"]');
      assert.equal(await agent.locator(".message__author").textContent(), "Mei (demo agent)");
      assert.match(await agent.locator(".message__text").textContent(), /this is Mei/);

      // The agent answers from now on, not the bot.
      await page.locator("#composer-input").fill("My bill is wrong");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="agent"]').length === 2);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the queue counts down by itself: requested → queued → connected with Mei", async () => {
    const { page, context } = await openApp(browser, server.url, { query: { queueStepMs: "250" } });
    try {
      // Record every state and status text the window shows, as it happens.
      await page.evaluate(() => {
        window.__seen = { states: [], texts: [] };
        const app = document.querySelector("#app");
        const status = document.querySelector("#handoff-status");
        const record = () => {
          const state = app.dataset.handoffState;
          if (window.__seen.states.at(-1) !== state) window.__seen.states.push(state);
          const text = status.textContent;
          if (text && window.__seen.texts.at(-1) !== text) window.__seen.texts.push(text);
        };
        new MutationObserver(record).observe(app, { attributes: true, subtree: true, childList: true, characterData: true });
        record();
      });
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "connected", 8000);
      await waitForText(page, "#handoff-status", "Mei");
      const seen = await page.evaluate(() => window.__seen);
      assert.deepEqual(seen.states, ["none", "requested", "queued", "connected"]);
      assert.deepEqual(
        seen.texts.filter((t) => /in line/.test(t)).map((t) => /number (\d)|next/.exec(t)[1] ?? "next"),
        ["3", "2", "next"],
      );
      assert.equal(seen.texts.at(-1), "You are talking to Mei (demo agent).");
    } finally {
      await context.close();
    }
  });

  test("Cancel request returns to none, says so, and keeps the focus on the person button", async () => {
    const { page, context } = await openApp(browser, server.url);
    try {
      await page.locator("#person-button").click();
      await advance(page);
      await waitForText(page, "#handoff-status", "number 3");
      await page.locator("#person-cancel-button").focus();
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "none");
      assert.equal(await statusText(page), "");
      assert.equal(await page.locator("#person-cancel-button").count(), 0);
      await waitForText(page, "#transcript", "You cancelled the request for a person.");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "person-button", "focus is not lost");
      // The queue does not go on after cancelling.
      await advance(page);
      await page.waitForTimeout(50);
      assert.equal(await handoffState(page), "none");
      // And one can ask again.
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
    } finally {
      await context.close();
    }
  });

  test("a refused request shows the error and changes nothing", async () => {
    const { page, context } = await openApp(browser, server.url);
    try {
      await fake(page, (f) => f.failNext("requestPerson", { code: "unsupported", messageId: "error-unsupported", args: {} }));
      await page.locator("#person-button").click();
      await waitForText(page, "#alert", "This service does not offer that.");
      assert.equal(await handoffState(page), "none");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "person-button");
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.equal(await textOf(page, "#alert"), "", "success clears the error");
    } finally {
      await context.close();
    }
  });

  test("every handoff state has words and its data-handoff-state value", async () => {
    const { page, context, problems } = await openApp(browser, server.url);
    const cases = [
      [{ state: "queued", position: null, estimatedWaitSecs: null }, "queued",
        "You are waiting for a person. The service does not say how long it will take. You keep your place; you can keep writing."],
      [{ state: "queued", position: null, estimatedWaitSecs: 30 }, "queued",
        "You are waiting for a person. You keep your place; you can keep writing.Expected wait: less than a minute."],
      [{ state: "queued", position: 7, estimatedWaitSecs: null }, "queued", "You are number 7 in line."],
      [{ state: "queued", position: 1, estimatedWaitSecs: 61 }, "queued", "You are next in line.Expected wait: about 2 minutes."],
      [{ state: "queued", position: 2, estimatedWaitSecs: 60 }, "queued", "You are number 2 in line.Expected wait: about one minute."],
      [{ state: "connected", agentName: "Ana", demo: false }, "connected", "You are talking to Ana."],
      [{ state: "unavailable" }, "unavailable", "Nobody is available right now."],
      [{ state: "messageLeft" }, "message-left", "Your message was left. Someone will get back to you."],
      [{ state: "requested" }, "requested", "You asked for a person. Waiting for the service to answer."],
      [{ state: "none" }, "none", ""],
    ];
    try {
      for (const [handoff, attribute, text] of cases) {
        await fake(page, (f, h) => f.emit({ kind: "handoffChanged", handoff: h }), handoff);
        await waitForAttribute(page, "#app", "data-handoff-state", attribute);
        await page
          .waitForFunction((t) => document.querySelector("#handoff-status").textContent === t, text, { timeout: 2000 })
          .catch(() => undefined);
        assert.equal(await statusText(page), text, JSON.stringify(handoff));
        const cancel = await page.locator("#person-cancel-button").count();
        assert.equal(cancel, attribute === "queued" || attribute === "requested" ? 1 : 0, `cancel in ${attribute}`);
        assert.equal(await page.locator("#person-button").isVisible(), true);
      }
      // The connection state joins the handoff state in the panel.
      await fake(page, (f) => f.emit({ kind: "handoffChanged", handoff: { state: "requested" } }));
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForText(page, "#handoff-status", "Reconnecting. Your messages are safe.");
      assert.deepEqual(await page.locator("#handoff-status p").allTextContents(), [
        "You asked for a person. Waiting for the service to answer.",
        "Reconnecting. Your messages are safe.",
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
