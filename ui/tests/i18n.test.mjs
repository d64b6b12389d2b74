// Languages: every visible word comes from the Fluent files.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { before, describe, test } from "node:test";
import {
  fake,
  loadFluent,
  openApp,
  textOf,
  UI_DIR,
  useBrowser,
  waitForAttribute,
  waitForText,
  windowFluentFiles,
} from "./helpers.mjs";

const LOCALES = ["en-US", "zh-CN", "zh-TW"];
const NUMERIC = new Set(["position", "minutes", "count", "seconds"]);

/** Sample values for every variable of a message: numbers where Fluent selects plurals. */
function sampleArgs(f, id) {
  return Object.fromEntries(f.variables(id).map((v) => [v, NUMERIC.has(v) ? 3 : `Sample ${v}`]));
}

const env = useBrowser();
const fluent = {};

before(async () => {
  for (const locale of LOCALES) {
    fluent[locale] = await loadFluent(locale);
  }
});


describe("locale files", () => {
  test("all three locales have the same message ids and placeables", async () => {
    const files = await windowFluentFiles("en-US");
    for (const locale of ["zh-CN", "zh-TW"]) {
      assert.deepEqual(await windowFluentFiles(locale), files, `${locale} has the same files as en-US`);
    }
    const shape = async (locale) => {
      let source = "";
      for (const file of files) {
        source += `\n${await readFile(path.join(UI_DIR, "..", "locales", locale, file), "utf8")}`;
      }
      const entries = source.split(/\n(?=[a-z][a-z0-9-]*\s*=)/).flatMap((chunk) => {
        const id = /^([a-z][a-z0-9-]*)\s*=/.exec(chunk)?.[1];
        if (!id) return [];
        const vars = [...new Set([...chunk.matchAll(/\$([a-zA-Z][\w-]*)/g)].map((m) => m[1]))].sort();
        return [[id, vars]];
      });
      return Object.fromEntries(entries);
    };
    const english = await shape("en-US");
    assert.ok(Object.keys(english).length > 40);
    for (const locale of ["zh-CN", "zh-TW"]) {
      assert.deepEqual(await shape(locale), english, `${locale} differs from en-US`);
    }
  });

  test("every message id the UI code names exists in every locale", async () => {
    const files = [];
    const walk = async (dir) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (/\.tsx?$/.test(entry.name) && !/(fake|bindings)\.ts$/.test(entry.name)) files.push(full);
      }
    };
    await walk(path.join(UI_DIR, "src"));
    const prefixes =
      "app|demo|person|handoff|transcript|author|delivery|typing|composer|send|connection|notice|error|leave|settings|field|pin|check|profile";
    // String literals that look like message ids, except JSX attributes
    // (id="send-button"), comparisons (=== "notice") and case labels.
    const pattern = new RegExp(`(?<!(?:[=!]==\\s*|case\\s+|[a-zA-Z]=))"((?:${prefixes})(?:-[a-z0-9]+)+)"`, "g");
    const used = new Set();
    for (const file of files) {
      for (const m of (await readFile(file, "utf8")).matchAll(pattern)) used.add(m[1]);
    }
    assert.ok(used.size >= 30, `found the ids the UI uses (${used.size})`);
    for (const locale of LOCALES) {
      const missing = [...used].filter((id) => !fluent[locale].ids.includes(id));
      assert.deepEqual(missing, [], `${locale} lacks ids the UI uses`);
    }
  });
});

describe("the window in each language", () => {
  test("zh-CN: Chinese buttons, labels and status, lang attribute", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang: "zh-CN" } });
    try {
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
      assert.equal(await page.title(), "Warmline 暖线");
      assert.equal(await textOf(page, "#person-button"), "找真人客服");
      assert.equal(await textOf(page, "#send-button"), "发送");
      assert.equal(await textOf(page, "label[for=composer-input]"), "您的消息");
      assert.equal(await page.getAttribute("#composer-input", "placeholder"), "请在这里输入您的消息");
      assert.equal(await page.getAttribute("#transcript", "aria-label"), "对话记录");
      assert.match(await textOf(page, "#demo-banner"), /^演示模式/);
      assert.equal(await textOf(page, ".message .message__author"), "Sunny（演示助手）");
      await page.locator("#person-button").click();
      await waitForText(page, "#handoff-panel", "您已请求人工客服");
      assert.equal(await textOf(page, "#person-cancel-button"), "不再等待");
      await fake(page, (f) => f.advanceQueue());
      await waitForText(page, "#handoff-panel", "您排在第 3 位。");
      assert.match(await textOf(page, "#handoff-panel"), /预计等待：大约 3 分钟。/);
      // No English words anywhere in the window's own chrome.
      const chrome = await page.evaluate(() =>
        ["#person-button", "#person-cancel-button", "#send-button", "label", "#handoff-panel", "#demo-banner"]
          .map((s) => document.querySelector(s).textContent)
          .join(" "),
      );
      assert.doesNotMatch(chrome.replace(/Warmline/g, ""), /[A-Za-z]{2,}/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const locale of ["zh-CN", "zh-TW"]) {
    test(`${locale}: the suggestion on the person button and the leave-a-message form`, async () => {
      const f = fluent[locale];
      const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang: locale } });
      try {
        await fake(page, (fk) => fk.emit({ kind: "personOffered", offered: true }));
        await waitForAttribute(page, "#person-button", "data-offered", "true");
        assert.equal(await textOf(page, "#person-button .button__badge"), f.format("person-button-suggested"));
        await fake(page, (fk) => fk.setAfterHours(true));
        await page.locator("#person-button").click();
        await page.waitForSelector("#leave-message-form");
        const form = await page.evaluate(() => ({
          name: document.querySelector("#leave-message-form").getAttribute("aria-label"),
          labels: [...document.querySelectorAll("#leave-message-form label")].map((l) => l.textContent),
          hint: document.querySelector("#leave-message-hint").textContent,
          // Issue 9, item 4: the example stands under the label (a placeholder was cut).
          placeholder: document.querySelector("#callback-time-example").textContent,
          submit: document.querySelector("#leave-message-submit").textContent,
          panel: document.querySelector("#handoff-panel").textContent,
        }));
        assert.deepEqual(form, {
          name: f.format("leave-message-title"),
          labels: ["leave-message-label", "leave-message-phone-label", "leave-message-time-label"].map((id) => f.format(id)),
          hint: f.format("leave-message-callback-hint"),
          placeholder: f.format("leave-message-time-example"),
          submit: f.format("leave-message-submit"),
          panel: f.format("handoff-unavailable") + f.format("handoff-unavailable-leave-message"),
        });
        assert.doesNotMatch(Object.values(form).flat().join(" ").replace(/Warmline/g, ""), /[A-Za-z]{2,}/);
        await page.locator("#leave-message-submit").click();
        await waitForText(page, "#leave-message-error", f.format("error-empty-message"));
        await page.locator("#leave-message-text").fill("请回电");
        await page.locator("#callback-phone").fill("13800000000");
        await page.locator("#leave-message-submit").click();
        await waitForText(page, "#handoff-panel", f.format("handoff-callback-requested", { reference: "FAKE-0001" }));
        await waitForText(
          page,
          "#transcript",
          f.format("notice-callback-requested-any-time", { reference: "FAKE-0001", phone: "13800000000" }),
        );
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test("zh-TW: traditional Chinese", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { query: { lang: "zh-TW" } });
    try {
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-TW");
      assert.equal(await textOf(page, "#person-button"), "找真人客服");
      assert.equal(await textOf(page, "#send-button"), "傳送");
      assert.equal(await page.getAttribute("#transcript", "aria-label"), "對話紀錄");
      await page.locator("#composer-input").fill("你好");
      await page.keyboard.press("Enter");
      await page.waitForSelector('.message[data-author-kind="user"][data-delivery="sent"]');
      assert.equal(await textOf(page, '.message[data-author-kind="user"] .message__delivery'), "已傳送");
      assert.equal(await textOf(page, '.message[data-author-kind="user"] .message__author'), "您");
    } finally {
      await context.close();
    }
  });

  for (const [requested, expected] of [
    ["zh-HK", "zh-TW"],
    ["zh-Hant-TW", "zh-TW"],
    ["zh_TW.UTF-8", "zh-TW"],
    ["zh", "zh-CN"],
    ["zh-SG", "zh-CN"],
    ["zh-MO", "zh-TW"],
    ["zh-Hans", "zh-CN"],
    ["en-GB", "en-US"],
    ["fr-FR", "en-US"],
    ["", "en-US"],
  ]) {
    test(`locale "${requested}" is shown as ${expected}`, async () => {
      const { page, context } = await openApp(env.browser, env.server.url, { query: { lang: requested } });
      try {
        assert.equal(await page.evaluate(() => document.documentElement.lang), expected);
        assert.equal(await textOf(page, "#send-button"), fluent[expected].format("send-button"));
      } finally {
        await context.close();
      }
    });
  }
});

describe("every message the window can render", () => {
  for (const locale of LOCALES) {
    test(`${locale}: each notice, error, handoff, connection, delivery and author message renders as Fluent says`, async () => {
      const { page, context, problems } = await openApp(env.browser, env.server.url, {
        query: { lang: locale, welcome: "0" },
      });
      const f = fluent[locale];
      const ids = (prefix) => f.ids.filter((id) => id.startsWith(prefix));
      try {
        // Notices in the log.
        const notices = ids("notice-");
        assert.ok(notices.length >= 7);
        for (const id of notices) {
          const args = sampleArgs(f, id);
          await fake(page, (fk, [i, a]) => fk.addNotice(i, a), [id, args]);
          const expected = f.format(id, args);
          await page.waitForFunction(
            (n) => document.querySelectorAll('.message[data-author-kind="system"]').length === n,
            notices.indexOf(id) + 1,
          );
          const shown = await page.evaluate(() =>
            [...document.querySelectorAll('.message[data-author-kind="system"] .message__text')].at(-1).textContent,
          );
          assert.equal(shown, expected, id);
        }

        // Errors in the alert area, from failed events and from refused commands.
        const errors = ids("error-");
        assert.ok(errors.includes("error-unknown") && errors.length >= 7);
        for (const id of errors) {
          const error = { code: "backendRejected", messageId: id, args: sampleArgs(f, id) };
          await fake(page, (fk, e) => fk.emit({ kind: "failed", error: e }), error);
          await page.waitForFunction((t) => document.querySelector("#alert").textContent === t, f.format(id, error.args));
        }
        await fake(page, (fk) => fk.failNext("cancelPerson", { code: "engineStopped", messageId: "error-engine-stopped", args: {} }));
        await fake(page, (fk) => fk.emit({ kind: "handoffChanged", handoff: { state: "requested" } }));
        await page.locator("#person-cancel-button").click();
        await page.waitForFunction((t) => document.querySelector("#alert").textContent === t, f.format("error-engine-stopped"));

        // Handoff and connection sentences in the status panel.
        const handoffs = [
          [{ state: "requested" }, ["handoff-requested"]],
          [{ state: "queued", position: 3, estimatedWaitSecs: 100 }, [["handoff-queued-position", { position: 3 }], ["handoff-wait-minutes", { minutes: 2 }]]],
          [{ state: "queued", position: 1, estimatedWaitSecs: 59 }, [["handoff-queued-position", { position: 1 }], ["handoff-wait-minutes", { minutes: 0 }]]],
          [{ state: "queued", position: null, estimatedWaitSecs: 60 }, ["handoff-queued", ["handoff-wait-minutes", { minutes: 1 }]]],
          [{ state: "queued", position: null, estimatedWaitSecs: null }, ["handoff-queued-unknown"]],
          [{ state: "connected", agentName: "Mei", demo: true }, [["handoff-connected-demo", { name: "Mei" }]]],
          [{ state: "connected", agentName: "Ana", demo: false }, [["handoff-connected", { name: "Ana" }]]],
          [{ state: "unavailable" }, ["handoff-unavailable", "handoff-unavailable-leave-message"]],
          [{ state: "messageLeft", reference: "REF-1", callback: false }, [["handoff-message-left", { reference: "REF-1" }]]],
          [{ state: "messageLeft", reference: "REF-2", callback: true }, [["handoff-callback-requested", { reference: "REF-2" }]]],
          [{ state: "messageQueued", callback: false }, ["handoff-message-queued"]],
          [{ state: "messageQueued", callback: true }, ["handoff-callback-queued"]],
        ];
        const seenHandoffIds = new Set();
        for (const [handoff, parts] of handoffs) {
          const expected = parts.map((p) => {
            const [id, args] = Array.isArray(p) ? p : [p, {}];
            seenHandoffIds.add(id);
            return f.format(id, args);
          });
          await fake(page, (fk, h) => fk.emit({ kind: "handoffChanged", handoff: h }), handoff);
          await page
            .waitForFunction((t) => document.querySelector("#handoff-panel").textContent === t.join(""), expected, {
              timeout: 2000,
            })
            .catch(() => undefined);
          assert.deepEqual(await page.locator("#handoff-panel p").allTextContents(), expected, JSON.stringify(handoff));
        }
        // Asked while offline.
        await fake(page, (fk) => fk.emit({ kind: "handoffChanged", handoff: { state: "requested" } }));
        await fake(page, (fk) => fk.setConnection("reconnecting"));
        await waitForText(page, "#handoff-panel", f.format("handoff-requested-offline"));
        assert.deepEqual(await page.locator("#handoff-panel p").allTextContents(), [
          f.format("handoff-requested-offline"),
          f.format("connection-reconnecting"),
        ]);
        seenHandoffIds.add("handoff-requested-offline");
        await fake(page, (fk) => fk.setConnection("online"));
        // Nobody available, and no way to leave a message: another backend.
        const other = await openApp(env.browser, env.server.url, { query: { lang: locale, welcome: "0", leaveMessage: "0" } });
        try {
          await fake(other.page, (fk) => fk.emit({ kind: "handoffChanged", handoff: { state: "unavailable" } }));
          await waitForText(other.page, "#handoff-panel", f.format("handoff-unavailable-try-later"));
          assert.deepEqual(await other.page.locator("#handoff-panel p").allTextContents(), [
            f.format("handoff-unavailable"),
            f.format("handoff-unavailable-try-later"),
          ]);
          seenHandoffIds.add("handoff-unavailable-try-later");
        } finally {
          await other.context.close();
        }
        assert.deepEqual([...seenHandoffIds].sort(), ids("handoff-").sort(), "every handoff message was shown");
        await fake(page, (fk) => fk.emit({ kind: "handoffChanged", handoff: { state: "none" } }));
        for (const connection of ["connecting", "reconnecting"]) {
          await fake(page, (fk, c) => fk.setConnection(c), connection);
          await waitForText(page, "#handoff-panel", f.format(`connection-${connection}`));
        }
        await fake(page, (fk) => fk.setConnection("signInNeeded"));
        await waitForText(page, "#handoff-panel", f.format("connection-sign-in-needed"));
        await fake(page, (fk) => fk.setConnection("online"));
        await waitForAttribute(page, "#app", "data-connection", "online");
        assert.equal(await textOf(page, "#handoff-panel"), "");

        // Delivery words under the user's messages and every author label.
        const deliveries = { sending: "delivery-sending", sent: "delivery-sent", willRetry: "delivery-will-retry", failed: "delivery-failed" };
        for (const [delivery, id] of Object.entries(deliveries)) {
          const mid = `u-${delivery}`;
          await fake(page, (fk, [m, d]) => fk.emit({
            kind: "messageAdded",
            message: { id: m, author: { kind: "user" }, body: { kind: "text", text: m }, sentAt: 0, delivery: d },
          }), [mid, delivery]);
          await waitForText(page, `[data-message-id="${mid}"] .message__delivery`, f.format(id));
        }
        const authors = [
          [{ kind: "user" }, "author-you"],
          [{ kind: "bot", name: "Mei", demo: false }, "author-bot"],
          [{ kind: "bot", name: "Mei", demo: true }, "author-bot-demo"],
          [{ kind: "agent", name: "Mei", demo: false }, "author-agent"],
          [{ kind: "agent", name: "Mei", demo: true }, "author-agent-demo"],
          [{ kind: "system" }, "author-system"],
        ];
        for (const [author, id] of authors) {
          const mid = `a-${id}`;
          await fake(page, (fk, [m, a]) => fk.emit({
            kind: "messageAdded",
            message: { id: m, author: a, body: { kind: "text", text: m }, sentAt: 0, delivery: "received" },
          }), [mid, author]);
          await waitForText(page, `[data-message-id="${mid}"] .message__author`, f.format(id, { name: "Mei" }));
        }
        assert.deepEqual(authors.map(([, id]) => id).sort(), ids("author-").sort());

        await fake(page, (fk) => fk.emit({ kind: "typingChanged", typing: "Mei" }));
        await waitForText(page, "#typing-indicator", f.format("typing", { name: "Mei" }));
        assert.doesNotMatch(await page.evaluate(() => document.body.textContent), /\{\s*\$|\{\?\}/, "no raw placeables");
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
