// Writing and reading: sending, the draft, errors, delivery, events.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fake, openApp, textOf, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";

const env = useBrowser();

const UNREACHABLE = { code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} };
const UNREACHABLE_EN = "The service cannot be reached right now. Nothing is lost; Warmline keeps trying.";

function messages(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#transcript .message")].map((el) => ({
      kind: el.dataset.authorKind,
      delivery: el.dataset.delivery,
      author: el.querySelector(".message__author")?.textContent,
      text: el.querySelector(".message__text")?.textContent,
      deliveryText: el.querySelector(".message__delivery")?.textContent ?? null,
    })),
  );
}

describe("sending", () => {
  test('"hello" shows the user message, its delivery in words and the bot reply', async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#composer-input").fill("hello");
      await page.locator("#send-button").click();
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length === 2);
      await page.waitForSelector('.message[data-author-kind="user"][data-delivery="sent"]');
      const all = await messages(page);
      assert.equal(all.length, 3);
      assert.deepEqual(all[1], {
        kind: "user",
        delivery: "sent",
        author: "You",
        text: "hello",
        deliveryText: "Sent",
      });
      assert.equal(all[2].kind, "bot");
      assert.equal(all[2].author, "Sunny (demo assistant)");
      assert.match(all[2].text, /How can I help you today\?/);
      assert.equal(all[2].deliveryText, null, "delivery words only under the user's own messages");
      assert.equal(await page.locator("#composer-input").inputValue(), "", "the text box is cleared after success");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-input", "ready to write again");
      assert.deepEqual(await fake(page, (f) => f.sentTexts), ["hello"]);
      // User and bot messages look different: different side and colour.
      const look = await page.evaluate(() => {
        const [bot, user] = [".message[data-author-kind=bot]", ".message[data-author-kind=user]"].map((s) =>
          document.querySelector(s),
        );
        const b = bot.getBoundingClientRect();
        const u = user.getBoundingClientRect();
        const t = document.querySelector("#transcript").getBoundingClientRect();
        return {
          botLeft: b.left - t.left,
          userRightGap: t.right - u.right,
          botBg: getComputedStyle(bot).backgroundColor,
          userBg: getComputedStyle(user).backgroundColor,
        };
      });
      assert.ok(look.botLeft < 40, "others' messages start at the left");
      assert.ok(look.userRightGap < 40, "the user's messages sit at the right");
      assert.notEqual(look.botBg, look.userBg);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("Enter sends; Shift+Enter starts a new line and does not send", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      const input = page.locator("#composer-input");
      await input.click();
      await page.keyboard.type("first line");
      await page.keyboard.press("Shift+Enter");
      await page.keyboard.type("second line");
      assert.equal(await input.inputValue(), "first line\nsecond line");
      await page.waitForTimeout(100);
      assert.deepEqual(await fake(page, (f) => f.sentTexts), [], "Shift+Enter did not send");
      assert.equal(await page.locator('.message[data-author-kind="user"]').count(), 0);

      await page.keyboard.press("Enter");
      await page.waitForSelector('.message[data-author-kind="user"]');
      assert.deepEqual(await fake(page, (f) => f.sentTexts), ["first line\nsecond line"]);
      assert.equal(
        await page.locator('.message[data-author-kind="user"] .message__text').textContent(),
        "first line\nsecond line",
      );
      assert.equal(await input.inputValue(), "");
    } finally {
      await context.close();
    }
  });

  test("a failed send shows the error calmly and keeps the draft", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f, error) => f.failNextSend(error), UNREACHABLE);
      const input = page.locator("#composer-input");
      await input.fill("Please call me back\nabout my bill");
      await input.press("Enter");
      await waitForText(page, "#alert", UNREACHABLE_EN);
      assert.equal(await textOf(page, "#alert"), UNREACHABLE_EN);
      assert.equal(await input.inputValue(), "Please call me back\nabout my bill", "the draft is kept");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-input", "focus stays");
      assert.equal(await page.locator('.message[data-author-kind="user"]').count(), 0);
      assert.equal(await page.locator("dialog, [role=dialog], [role=alertdialog]").count(), 0, "no dialog");

      // Trying again works, clears the error and only then the draft.
      await input.press("Enter");
      await page.waitForSelector('.message[data-author-kind="user"]');
      assert.equal(await input.inputValue(), "");
      assert.equal(await textOf(page, "#alert"), "");
      assert.deepEqual(await fake(page, (f) => f.sentTexts), ["Please call me back\nabout my bill"]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a failed send from the Send button keeps the draft too (zh-CN error text)", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { query: { lang: "zh-CN" } });
    try {
      await fake(
        page,
        (f) => f.failNextSend({ code: "backendRejected", messageId: "error-backend-rejected", args: {} }),
      );
      await page.locator("#composer-input").fill("我的账单");
      await page.locator("#send-button").click();
      await waitForText(page, "#alert", "服务没有接受这个请求。您写的内容没有丢失。");
      assert.equal(await page.locator("#composer-input").inputValue(), "我的账单");
    } finally {
      await context.close();
    }
  });

  test("an empty message is not sent and the user is told why", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#composer-input").fill("   \n  ");
      await page.locator("#send-button").click();
      await waitForText(page, "#alert", "Please write something before sending.");
      assert.deepEqual(await fake(page, (f) => f.sentTexts), []);
      assert.equal(await page.locator("#composer-input").inputValue(), "   \n  ");
    } finally {
      await context.close();
    }
  });

  test("the text typed while a message was on its way stays in the box", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      // More words arrive in the same task as the Enter, i.e. before
      // sendMessage settles.
      await page.locator("#composer-input").fill("one");
      await page.evaluate(() => {
        const input = document.querySelector("#composer-input");
        input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        input.value = "one two";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await page.waitForSelector('.message[data-author-kind="user"]');
      await page.waitForTimeout(50);
      assert.deepEqual(await fake(page, (f) => f.sentTexts), ["one"]);
      assert.equal(await page.locator("#composer-input").inputValue(), " two");
    } finally {
      await context.close();
    }
  });
});

describe("events", () => {
  test("events already in the snapshot are not applied twice; later ones are", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { holdSnapshot: "1", welcome: "0" },
      waitLoaded: false,
    });
    try {
      await page.waitForFunction(() => window.__warmlineFake?.listenerCount() === 1);
      // These reach the window as events before the snapshot, which contains them.
      await fake(page, (f) => {
        f.addMessage({ kind: "agent", name: "Ana", demo: false }, "before the snapshot");
        f.emit({ kind: "handoffChanged", handoff: { state: "connected", agentName: "Ana", demo: false } });
        // An old failure, already over when the snapshot was taken.
        f.emit({ kind: "failed", error: { code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} } });
      });
      await page.waitForTimeout(50);
      await fake(page, (f) => f.releaseSnapshot());
      await waitForAttribute(page, "#app", "data-loaded", "true");
      await fake(page, (f) => f.addMessage({ kind: "agent", name: "Ana", demo: false }, "after the snapshot"));
      await page.waitForFunction(() => document.querySelectorAll("#transcript .message").length >= 2);
      await page.waitForTimeout(50);
      const all = await messages(page);
      assert.deepEqual(
        all.map((m) => m.text),
        ["before the snapshot", "after the snapshot"],
      );
      assert.equal(all[0].author, "Ana", "a real agent has no demo label");
      assert.equal(await textOf(page, "#handoff-panel"), "You are talking to Ana.");
      assert.equal(await textOf(page, "#alert"), "", "events up to the snapshot's seq are ignored");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the conversation is followed before the first render, and what arrives then is shown once", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { holdAppInfo: "1", welcome: "0" },
      waitLoaded: false,
    });
    try {
      // Subscribed and fetched while the language is still being asked for.
      await page.waitForFunction(
        () => window.__warmlineFake?.listenerCount() === 1 && window.__warmlineFake.snapshotCalls() === 1,
      );
      await fake(page, (f) => f.addMessage({ kind: "agent", name: "Ana", demo: false }, "before the first render"));
      assert.equal(await page.locator("#app").count(), 0, "nothing is rendered before the language is in");
      await fake(page, (f) => f.releaseAppInfo());
      await waitForAttribute(page, "#app", "data-loaded", "true");
      await waitForText(page, "#transcript", "before the first render");
      assert.deepEqual(
        (await messages(page)).map((m) => m.text),
        ["before the first render"],
      );
      assert.equal(await fake(page, (f) => f.listenerCount()), 1, "the early subscription is the window's only one");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("events that arrive while the snapshot is on its way are applied after it", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, {
      query: { holdSnapshot: "1", welcome: "0" },
      waitLoaded: false,
    });
    try {
      await page.waitForFunction(() => window.__warmlineFake?.listenerCount() === 1);
      // Take the snapshot's state now, then change things before it is delivered.
      const snapshotSeq = await fake(page, (f) => f.state().seq);
      await fake(page, (f) => f.releaseSnapshot());
      await fake(page, (f) => f.addMessage({ kind: "bot", name: "Sunny", demo: true }, "racing the snapshot"));
      await waitForAttribute(page, "#app", "data-loaded", "true");
      await waitForText(page, "#transcript", "racing the snapshot");
      assert.equal(await page.locator("#transcript .message").count(), 1);
      assert.ok((await fake(page, (f) => f.state().seq)) > snapshotSeq);
    } finally {
      await context.close();
    }
  });

  test("a failed event is shown in the alert area; getting back online clears it", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => f.setConnection("reconnecting"));
      await fake(
        page,
        (f, error) => f.emit({ kind: "failed", error }),
        UNREACHABLE,
      );
      await waitForText(page, "#alert", UNREACHABLE_EN);
      await fake(page, (f) => f.setConnection("online"));
      await waitForAttribute(page, "#app", "data-connection", "online");
      assert.equal(await textOf(page, "#alert"), "");
    } finally {
      await context.close();
    }
  });

  test("connection states are told in words; messages written meanwhile say they will be sent", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await page.getAttribute("#app", "data-connection"), "online");
      assert.equal(await textOf(page, "#handoff-panel"), "");
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForAttribute(page, "#app", "data-connection", "reconnecting");
      assert.equal(await textOf(page, "#handoff-panel"), "Reconnecting. Your messages are safe.");
      await page.locator("#composer-input").fill("are you there?");
      await page.keyboard.press("Enter");
      await page.waitForSelector('.message[data-author-kind="user"][data-delivery="willRetry"]');
      assert.equal(
        await page.locator('.message[data-author-kind="user"] .message__delivery').textContent(),
        "Not sent yet. It will be sent as soon as possible.",
      );
      await fake(page, (f) => f.setConnection("connecting"));
      await waitForText(page, "#handoff-panel", "Connecting…");
      await fake(page, (f) => f.setConnection("online"));
      await page.waitForSelector('.message[data-author-kind="user"][data-delivery="sent"]');
      assert.equal(await textOf(page, "#handoff-panel"), "");
    } finally {
      await context.close();
    }
  });

  test("delivery changes, typing indicator and notices", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { welcome: "0" } });
    try {
      await fake(page, (f) =>
        f.emit({
          kind: "messageAdded",
          message: {
            id: "u1",
            author: { kind: "user" },
            body: { kind: "text", text: "mine" },
            sentAt: Date.UTC(2024, 0, 1, 9, 30),
            delivery: "sending",
          },
        }),
      );
      await waitForText(page, ".message[data-message-id=u1]", "Sending…");
      await fake(page, (f) => f.emit({ kind: "deliveryChanged", id: "u1", delivery: "failed" }));
      await waitForAttribute(page, ".message[data-message-id=u1]", "data-delivery", "failed");
      assert.equal(await textOf(page, ".message[data-message-id=u1] .message__delivery"), "This message could not be sent.");

      await fake(page, (f) => f.emit({ kind: "typingChanged", typing: "Mei" }));
      await waitForText(page, "#typing-indicator", "Mei is writing…");
      await fake(page, (f) => f.emit({ kind: "typingChanged", typing: null }));
      await page.waitForFunction(() => document.querySelector("#typing-indicator").textContent === "");

      await fake(page, (f) => f.addNotice("notice-agent-left", { name: "Mei" }));
      await waitForText(page, "#transcript", "Mei left the conversation.");
      const notice = page.locator('.message[data-author-kind="system"]');
      assert.equal(await notice.locator(".message__author").textContent(), "Warmline");
      assert.equal(await notice.locator(".message__delivery").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("an unknown notice id falls back to the generic sentence, never to a raw id", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { welcome: "0" } });
    try {
      await fake(page, (f) => f.addNotice("notice-from-the-future", { name: "X" }));
      await waitForText(page, "#transcript", "Something went wrong. Nothing you wrote is lost.");
      assert.doesNotMatch(await textOf(page, "#transcript"), /notice-from-the-future/);
      assert.ok(problems.some((p) => p.includes("notice-from-the-future")), "the miss is logged for developers");
    } finally {
      await context.close();
    }
  });

  test("an event that skips a number is not applied: the window fetches the snapshot again", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { welcome: "0" } });
    try {
      await fake(page, (f) => f.addMessage({ kind: "bot", name: "Sunny", demo: true }, "first"));
      await waitForText(page, "#transcript", "first");
      assert.equal(await fake(page, (f) => f.snapshotCalls()), 1);
      // The window falls behind: it never hears of these two changes…
      await fake(page, (f) => {
        f.emit(
          {
            kind: "messageAdded",
            message: {
              id: "missed",
              author: { kind: "agent", name: "Ana", demo: false },
              body: { kind: "text", text: "missed" },
              sentAt: 0,
              delivery: "received",
            },
          },
          { drop: true },
        );
        f.emit({ kind: "handoffChanged", handoff: { state: "connected", agentName: "Ana", demo: false } }, { drop: true });
      });
      // …and the next one it hears of skips their numbers.
      await fake(page, (f) => f.addMessage({ kind: "agent", name: "Ana", demo: false }, "after the gap"));
      await page.waitForFunction(() => window.__warmlineFake.snapshotCalls() === 2);
      await waitForText(page, "#transcript", "after the gap");
      await waitForAttribute(page, "#app", "data-handoff-state", "connected");
      assert.deepEqual(
        (await messages(page)).map((m) => m.text),
        ["first", "missed", "after the gap"],
      );
      assert.equal(await textOf(page, "#handoff-panel"), "You are talking to Ana.");
      // Events go on as before, without another snapshot.
      await fake(page, (f) => f.addMessage({ kind: "agent", name: "Ana", demo: false }, "later"));
      await waitForText(page, "#transcript", "later");
      assert.deepEqual(
        (await messages(page)).map((m) => m.text),
        ["first", "missed", "after the gap", "later"],
      );
      assert.equal(await fake(page, (f) => f.snapshotCalls()), 2);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the window subscribes once and fetches one snapshot", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await fake(page, (f) => f.listenerCount()), 1);
      assert.equal(await fake(page, (f) => f.snapshotCalls()), 1);
    } finally {
      await context.close();
    }
  });

  test("a snapshot that fails is retried and the error goes away", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, {
      query: { holdSnapshot: "1" },
      waitLoaded: false,
    });
    try {
      await page.waitForFunction(() => window.__warmlineFake?.snapshotCalls() === 1);
      await fake(page, (f, error) => f.failNext("snapshot", error), UNREACHABLE);
      await fake(page, (f) => f.releaseSnapshot());
      await waitForText(page, "#alert", UNREACHABLE_EN);
      assert.equal(await page.getAttribute("#app", "data-loaded"), "false");
      await waitForAttribute(page, "#app", "data-loaded", "true", 5000);
      assert.equal(await fake(page, (f) => f.snapshotCalls()), 2);
      assert.equal(await textOf(page, "#alert"), "");
    } finally {
      await context.close();
    }
  });
});
