// "Talk to a person": the request, the queue, the agent, cancelling; the
// offer when the bot does not help; asking while offline; what the screen
// reader hears; leaving a message or asking for a call back.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  boxOf,
  fake,
  goUnavailable,
  loadFluent,
  openApp,
  panelLines,
  textOf,
  useBrowser,
  waitForAttribute,
  waitForText,
} from "./helpers.mjs";

const env = useBrowser();

const handoffState = (page) => page.getAttribute("#app", "data-handoff-state");
const statusText = (page) => textOf(page, "#handoff-panel");

async function advance(page) {
  await fake(page, (f) => f.advanceQueue());
}

describe("talk to a person", () => {
  test("requested → queued 3, 2, 1 → connected to Mei, told in words", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await handoffState(page), "none");
      assert.equal(await page.locator("#person-cancel-button").count(), 0, "no Cancel before asking");

      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.equal(await statusText(page), "You asked for a person. Waiting for the service to answer.");
      await waitForText(page, "#transcript", "You asked to talk to a person.");
      assert.equal(await page.locator("#person-cancel-button").textContent(), "Stop waiting");
      assert.equal(await page.locator("#person-button").isVisible(), true, "the person button stays");

      await advance(page);
      await waitForAttribute(page, "#app", "data-handoff-state", "queued");
      assert.equal(await statusText(page), "You are number 3 in line.Expected wait: about 3 minutes.");
      const lines = await page.locator("#handoff-panel p").allTextContents();
      assert.deepEqual(lines, ["You are number 3 in line.", "Expected wait: about 3 minutes."]);

      await advance(page);
      await waitForText(page, "#handoff-panel", "You are number 2 in line.");
      assert.match(await statusText(page), /Expected wait: about 2 minutes\./);

      await advance(page);
      await waitForText(page, "#handoff-panel", "You are next in line.");
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
    const { page, context } = await openApp(env.browser, env.server.url, { query: { queueStepMs: "250" } });
    try {
      // Record every state and status text the window shows, as it happens.
      await page.evaluate(() => {
        window.__seen = { states: [], texts: [] };
        const app = document.querySelector("#app");
        const status = document.querySelector("#handoff-panel");
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
      await waitForText(page, "#handoff-panel", "Mei");
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
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#person-button").click();
      await advance(page);
      await waitForText(page, "#handoff-panel", "number 3");
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
    const { page, context } = await openApp(env.browser, env.server.url);
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
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    const cases = [
      [{ state: "queued", position: null, estimatedWaitSecs: null }, "queued",
        "You are waiting for a person. The service does not say how long it will take. You keep your place; you can keep writing."],
      [{ state: "queued", position: null, estimatedWaitSecs: 30 }, "queued",
        "You are waiting for a person. You keep your place; you can keep writing.Expected wait: less than a minute."],
      [{ state: "queued", position: 7, estimatedWaitSecs: null }, "queued", "You are number 7 in line."],
      [{ state: "queued", position: 1, estimatedWaitSecs: 61 }, "queued", "You are next in line.Expected wait: about 2 minutes."],
      [{ state: "queued", position: 2, estimatedWaitSecs: 60 }, "queued", "You are number 2 in line.Expected wait: about one minute."],
      [{ state: "connected", agentName: "Ana", demo: false }, "connected", "You are talking to Ana."],
      [{ state: "unavailable" }, "unavailable",
        "Nobody is available right now.You can leave a message or ask for a call back below, or try again later."],
      [{ state: "messageLeft", reference: "REF-7", callback: false }, "message-left",
        "Your message was left. Your reference is REF-7. Someone will get back to you."],
      [{ state: "messageLeft", reference: "REF-8", callback: true }, "message-left",
        "You asked for a call back. Your reference is REF-8. Someone will call you."],
      [{ state: "requested" }, "requested", "You asked for a person. Waiting for the service to answer."],
      [{ state: "none" }, "none", ""],
    ];
    try {
      for (const [handoff, attribute, text] of cases) {
        await fake(page, (f, h) => f.emit({ kind: "handoffChanged", handoff: h }), handoff);
        await waitForAttribute(page, "#app", "data-handoff-state", attribute);
        await page
          .waitForFunction((t) => document.querySelector("#handoff-panel").textContent === t, text, { timeout: 2000 })
          .catch(() => undefined);
        assert.equal(await statusText(page), text, JSON.stringify(handoff));
        const cancel = await page.locator("#person-cancel-button").count();
        assert.equal(cancel, attribute === "queued" || attribute === "requested" ? 1 : 0, `cancel in ${attribute}`);
        assert.equal(await page.locator("#person-button").isVisible(), true);
      }
      // The connection state joins the handoff state in the panel.
      await fake(page, (f) => f.emit({ kind: "handoffChanged", handoff: { state: "queued", position: 2, estimatedWaitSecs: null } }));
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForText(page, "#handoff-panel", "Reconnecting. Your messages are safe.");
      assert.deepEqual(await page.locator("#handoff-panel p").allTextContents(), [
        "You are number 2 in line.",
        "Reconnecting. Your messages are safe.",
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

const UNREACHABLE = { code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} };
const UNREACHABLE_EN = "The service cannot be reached right now. Nothing is lost; Warmline keeps trying.";
const OFFER_EN = "It looks like the assistant is not helping. Would you like to talk to a person? Press “Talk to a person”.";

async function send(page, text) {
  const before = await page.locator('.message[data-author-kind="user"]').count();
  await page.locator("#composer-input").fill(text);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll('.message[data-author-kind="user"]').length > n, before);
}

/** The person button's look that does not depend on colour. */
function personButtonShape(page) {
  return page.evaluate(() => {
    const button = document.querySelector("#person-button");
    const s = getComputedStyle(button);
    const badge = button.querySelector(".button__badge");
    const b = button.getBoundingClientRect();
    const r = badge?.getBoundingClientRect();
    return {
      offered: button.dataset.offered,
      border: parseFloat(s.borderTopWidth),
      rings: s.boxShadow.split(/,(?![^(]*\))/).length,
      badge: badge
        ? {
            text: badge.textContent,
            visible: r.width > 0 && r.height > 0 && getComputedStyle(badge).visibility === "visible",
            inside: r.left >= b.left && r.right <= b.right && r.top >= b.top && r.bottom <= b.bottom,
            fontSize: parseFloat(getComputedStyle(badge).fontSize),
          }
        : null,
    };
  });
}

describe("Warmline offers a person when the bot does not help", () => {
  test("two unhelpful answers: the button says “Suggested”, gets a thicker frame and data-offered", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      const before = await personButtonShape(page);
      assert.deepEqual({ offered: before.offered, badge: before.badge }, { offered: "false", badge: null });

      await send(page, "Can you fix my television?");
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length === 2);
      assert.equal(await page.getAttribute("#person-button", "data-offered"), "false", "one miss is not enough");
      await send(page, "My television is broken");
      await waitForAttribute(page, "#person-button", "data-offered", "true");
      await waitForText(page, "#transcript", OFFER_EN);

      const after = await personButtonShape(page);
      // Not by colour alone: a word on the button and a thicker frame.
      assert.deepEqual(after.badge, { text: "Suggested", visible: true, inside: true, fontSize: after.badge.fontSize });
      assert.ok(after.badge.fontSize >= 24, `badge text ${after.badge.fontSize}px`);
      assert.ok(after.border >= before.border * 2, `frame ${before.border}px → ${after.border}px`);
      assert.ok(after.rings > before.rings, "an extra ring around the button");
      assert.equal(await textOf(page, "#person-button"), "SuggestedTalk to a person");

      // One press, no confirmation: the offer is taken and goes away.
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      await waitForAttribute(page, "#person-button", "data-offered", "false");
      assert.equal(await page.locator("#person-button .button__badge").count(), 0);
      assert.equal(await page.locator("dialog, [role=dialog], [role=alertdialog]").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("asking the same question again offers a person; the snapshot carries the offer", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await send(page, "What are your opening hours?");
      // A helpful answer first (it would withdraw an offer made before it).
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length === 2);
      await send(page, "what are your opening hours");
      await waitForAttribute(page, "#person-button", "data-offered", "true");
      assert.equal(await textOf(page, "#person-button .button__badge"), "Suggested");
    } finally {
      await context.close();
    }
    const held = await openApp(env.browser, env.server.url, { query: { holdSnapshot: "1" }, waitLoaded: false });
    try {
      await held.page.waitForFunction(() => window.__warmlineFake?.snapshotCalls() === 1);
      await fake(held.page, (f) => f.emit({ kind: "personOffered", offered: true }));
      await fake(held.page, (f) => f.releaseSnapshot());
      await waitForAttribute(held.page, "#app", "data-loaded", "true");
      await waitForAttribute(held.page, "#person-button", "data-offered", "true");
      await fake(held.page, (f) => f.emit({ kind: "personOffered", offered: false }));
      await waitForAttribute(held.page, "#person-button", "data-offered", "false");
    } finally {
      await held.context.close();
    }
  });
});

describe("asking in words", () => {
  for (const [lang, words, notice] of [
    ["en-US", "I want a person", "You asked for a person, so Warmline is getting you one. You do not need to ask again."],
    ["zh-CN", "转人工", "您要求人工客服，Warmline 正在为您转接，不用再说一遍。"],
  ]) {
    test(`${lang}: "${words}" asks for a person like the button`, async () => {
      const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang } });
      try {
        await send(page, words);
        await waitForAttribute(page, "#app", "data-handoff-state", "requested");
        await waitForText(page, "#transcript", notice);
        assert.equal(await page.locator("#person-cancel-button").count(), 1);
        await page.waitForTimeout(200);
        assert.equal(await page.locator('.message[data-author-kind="bot"]').count(), 1, "the bot does not answer");
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

// Issue 17, item 3: what the user sees for each outcome of the phrase rules
// (the fake has the matcher's own decisions, data/ui-fake-intent.json): a
// scam story goes to a person at once with the safety advice, a symptom gets
// the emergency number first, a complaint goes to a person as a complaint,
// and a negated request asks for nothing.
describe("what the user sees for each outcome of the words", () => {
  const systemTexts = (page) => page.locator('.message[data-author-kind="system"] .message__text').allTextContents();
  const SAFETY_ADVICE = {
    "en-US": [/do not transfer or send any money/, /code, PIN or password/, /number on the back of your card/],
    "zh-CN": [/不要转账或汇款/, /不要把验证码、密码告诉任何人/, /银行卡背面的电话/],
  };
  const EMERGENCY_NUMBER = { "en-US": /call 911 now/, "zh-CN": /拨打 120/ };
  for (const [lang, scam, symptom, complaint, negation] of [
    ["en-US", "I was scammed", "I have chest pain", "I want to make a complaint", "I don't need a person, thanks"],
    ["zh-CN", "我被骗了", "我胸口好痛", "我要投訴", "不用转人工"],
  ]) {
    for (const [kind, words, notices] of [
      ["a scam story", scam, ["notice-person-requested-fraud"]],
      ["a symptom", symptom, ["notice-call-emergency-number", "notice-person-requested-urgent"]],
      ["a complaint", complaint, ["notice-person-requested-complaint"]],
    ]) {
      test(`${lang}: ${kind} ("${words}") goes to a person with its advice first`, async () => {
        const fluent = await loadFluent(lang);
        const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang } });
        try {
          await send(page, words);
          await waitForAttribute(page, "#app", "data-handoff-state", "requested");
          const expected = notices.map((id) => fluent.format(id));
          await waitForText(page, "#transcript", expected[expected.length - 1]);
          assert.deepEqual(await systemTexts(page), expected, "the notes, in order, advice first");
          if (kind === "a scam story") {
            for (const advice of SAFETY_ADVICE[lang]) assert.match(expected[0], advice);
          }
          if (kind === "a symptom") assert.match(expected[0], EMERGENCY_NUMBER[lang]);
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
    test(`${lang}: a negated request ("${negation}") asks for nothing and the bot answers`, async () => {
      const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { lang } });
      try {
        await send(page, negation);
        await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length >= 2);
        assert.equal(await page.getAttribute("#app", "data-handoff-state"), "none");
        assert.deepEqual(await systemTexts(page), [], "no note of a request");
        assert.equal(await page.locator("#person-cancel-button").count(), 0);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("asking while the connection is down", () => {
  test("the request is kept, the panel says so, and it goes out when the connection is back", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { queueStepMs: "150" } });
    try {
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForAttribute(page, "#app", "data-connection", "reconnecting");
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      const kept = "You asked for a person. The request is kept and will be sent as soon as the connection is back.";
      await waitForText(page, "#handoff-panel", kept);
      assert.deepEqual(await panelLines(page), [kept, "Reconnecting. Your messages are safe."]);
      assert.equal(await page.locator("#person-cancel-button").count(), 1, "it can still be cancelled");

      await fake(page, (f) => f.setConnection("connecting"));
      await waitForText(page, "#handoff-panel", "Connecting…");
      assert.deepEqual(await panelLines(page), [kept, "Connecting…"]);
      // Nothing moves while offline.
      await page.waitForTimeout(500);
      assert.equal(await handoffState(page), "requested");

      await fake(page, (f) => f.setConnection("online"));
      await waitForText(page, "#handoff-panel", "You asked for a person. Waiting for the service to answer.");
      await waitForAttribute(page, "#app", "data-handoff-state", "queued");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("what the screen reader hears", () => {
  test("queue numbers at most once a minute (the panel at once); state changes at once", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { clock: true });
    const announced = () => textOf(page, "#handoff-status");
    try {
      await page.evaluate(() => {
        window.__announced = [];
        const status = document.querySelector("#handoff-status");
        new MutationObserver(() => {
          if (status.textContent !== "") window.__announced.push(status.textContent);
        }).observe(status, { childList: true, characterData: true, subtree: true });
      });
      await page.locator("#person-button").click();
      await waitForText(page, "#handoff-status", "You asked for a person. Waiting for the service to answer.");
      await advance(page);
      const three = "You are number 3 in line. Expected wait: about 3 minutes.";
      await waitForText(page, "#handoff-status", three, 2000);

      // The queue moves: the panel shows it at once, the announcement waits.
      await advance(page);
      await waitForText(page, "#handoff-panel", "You are number 2 in line.");
      await page.waitForTimeout(100);
      assert.equal(await announced(), three);
      await page.clock.fastForward(30_000);
      await page.waitForTimeout(50);
      assert.equal(await announced(), three, "not again within a minute");
      await advance(page);
      await waitForText(page, "#handoff-panel", "You are next in line.");
      await page.clock.fastForward(20_000);
      await page.waitForTimeout(50);
      assert.equal(await announced(), three, "50 s after the last announcement");
      // A minute after the last announcement, the latest numbers are told.
      await page.clock.fastForward(11_000);
      const next = "You are next in line. Expected wait: less than a minute.";
      await waitForText(page, "#handoff-status", next, 2000);

      // A lost connection is told at once.
      await fake(page, (f) => f.setConnection("reconnecting"));
      await waitForText(page, "#handoff-status", "Reconnecting. Your messages are safe.", 2000);
      await fake(page, (f) => f.setConnection("online"));
      await waitForText(page, "#handoff-status", next, 2000);
      // A person joins: told at once, although the last announcement was just now.
      await advance(page);
      await waitForText(page, "#handoff-status", "You are talking to Mei (demo agent).", 2000);

      assert.deepEqual(await page.evaluate(() => window.__announced), [
        "You asked for a person. Waiting for the service to answer.",
        three,
        next,
        `${next} Reconnecting. Your messages are safe.`,
        next,
        "You are talking to Mei (demo agent).",
      ]);
      assert.equal(await page.locator("#handoff-status").getAttribute("aria-live"), "polite");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("nobody available and a message left are told at once", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { clock: true });
    try {
      await goUnavailable(page);
      await waitForText(page, "#handoff-status", "Nobody is available right now.", 2000);
      await page.locator("#leave-message-text").fill("Please call me");
      await page.locator("#leave-message-submit").click();
      await waitForText(page, "#handoff-status", "Your message was left. Your reference is FAKE-0001.", 2000);
    } finally {
      await context.close();
    }
  });
});

describe("nobody available: leave a message or ask for a call back", () => {
  test("the form is in the page, every field labelled, and the person button stays", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await waitForText(page, "#transcript", "Nobody is available right now. You can leave a message and someone will get back to you.");
      assert.deepEqual(await panelLines(page), [
        "Nobody is available right now.",
        "You can leave a message or ask for a call back below, or try again later.",
      ]);
      const form = await page.evaluate(() => {
        const label = (id) => document.querySelector(`label[for="${id}"]`)?.textContent ?? null;
        const phone = document.querySelector("#callback-phone");
        const form = document.querySelector("#leave-message-form");
        return {
          inDialog: form.closest("dialog, [role=dialog], [role=alertdialog]") !== null,
          name: form.getAttribute("aria-label"),
          text: [document.querySelector("#leave-message-text").tagName, label("leave-message-text")],
          phone: [phone.type, label("callback-phone"), document.querySelector(`#${phone.getAttribute("aria-describedby")}`)?.textContent],
          time: [document.querySelector("#callback-time").type, label("callback-time"), document.querySelector(`#${document.querySelector("#callback-time").getAttribute("aria-describedby")}`)?.textContent],
          submit: [document.querySelector("#leave-message-submit").type, document.querySelector("#leave-message-submit").textContent],
          errorRole: document.querySelector("#leave-message-error").getAttribute("role"),
        };
      });
      assert.deepEqual(form, {
        inDialog: false,
        name: "Leave a message or ask for a call back",
        text: ["TEXTAREA", "Your message for the service"],
        phone: ["tel", "Your phone number (optional)", "If you would like a call back, leave your phone number."],
        time: ["text", "Best time to call (optional)", "for example: tomorrow morning"],
        submit: ["submit", "Leave the message"],
        errorRole: "alert",
      });
      const submit = await boxOf(page, "#leave-message-submit");
      assert.ok(submit.width >= 60 && submit.height >= 60, `submit ${submit.width}x${submit.height}`);
      assert.equal(await page.locator("#person-button").isVisible(), true);
      assert.equal(await page.locator("#person-cancel-button").count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("leaving a message: the reference in the status panel and the transcript; the form goes away", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await page.locator("#leave-message-text").fill("My bill is wrong.\nPlease look at it.");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      assert.equal(await page.locator("#leave-message-form").count(), 0, "the form goes away");
      assert.deepEqual(await panelLines(page), ["Your message was left. Your reference is FAKE-0001. Someone will get back to you."]);
      await waitForText(page, "#transcript", "Your message was received. Your reference is FAKE-0001. Someone will get back to you.");
      assert.deepEqual(await fake(page, (f) => f.leftMessages), [
        { text: "My bill is wrong.\nPlease look at it.", phone: null, preferredTime: null },
      ]);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "handoff-panel", "the focus is on the confirmation");
      assert.equal(await textOf(page, "#alert"), "");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the confirmation is part of the snapshot, to read later", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await page.locator("#leave-message-text").fill("Hello");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      const snapshot = await fake(page, (f) => f.state());
      assert.deepEqual(snapshot.handoff, { state: "messageLeft", reference: "FAKE-0001", callback: false });
      assert.deepEqual(snapshot.messages.at(-1).body, {
        kind: "notice",
        notice: { messageId: "notice-message-left", args: { reference: "FAKE-0001" } },
      });
    } finally {
      await context.close();
    }
  });

  test("asking for a call back: the phone number and the time are in the confirmation", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await page.locator("#leave-message-text").fill("About my bill");
      await page.locator("#callback-phone").fill(" 555 0123 ");
      await page.locator("#callback-time").fill("tomorrow morning");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      assert.deepEqual(await panelLines(page), ["You asked for a call back. Your reference is FAKE-0001. Someone will call you."]);
      await waitForText(
        page,
        "#transcript",
        "Your call-back request was received. We will call 555 0123 (tomorrow morning). Your reference is FAKE-0001.",
      );
      assert.deepEqual(await fake(page, (f) => f.leftMessages), [
        { text: "About my bill", phone: "555 0123", preferredTime: "tomorrow morning" },
      ]);

      // "Try again" stays possible; a phone number alone is enough.
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
      await page.waitForSelector("#leave-message-form");
      assert.equal(await page.locator("#leave-message-text").inputValue(), "", "a fresh form after success");
      await page.locator("#callback-phone").fill("555 0199");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      await waitForText(page, "#transcript", "Your call-back request was received. We will call 555 0199. Your reference is FAKE-0002.");
      assert.doesNotMatch(await textOf(page, "#transcript"), /\(\)/, "no empty brackets without a time");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a failure shows the error next to the button and keeps everything typed", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await fake(page, (f, error) => f.failNext("leaveMessage", error), UNREACHABLE);
      await page.locator("#leave-message-text").fill("Please call me\nabout my bill");
      await page.locator("#callback-phone").fill("555 0123");
      await page.locator("#callback-time").fill("after lunch");
      await page.locator("#leave-message-submit").click();
      await waitForText(page, "#leave-message-error", UNREACHABLE_EN);
      // The localized error, and what to do: the message was not left.
      assert.deepEqual(await page.locator("#leave-message-error p").allTextContents(), [
        UNREACHABLE_EN,
        "Everything you wrote is still here. Please press “Leave the message” again.",
      ]);
      assert.equal(await page.locator("#leave-message-text").inputValue(), "Please call me\nabout my bill");
      assert.equal(await page.locator("#callback-phone").inputValue(), "555 0123");
      assert.equal(await page.locator("#callback-time").inputValue(), "after lunch");
      assert.equal(await handoffState(page), "unavailable");
      assert.equal(await page.locator("dialog, [role=dialog], [role=alertdialog]").count(), 0, "no dialog");
      assert.deepEqual(await fake(page, (f) => f.leftMessages), []);

      // Trying again works and clears the error.
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      assert.equal(await page.locator("#leave-message-error").count(), 0);
      assert.deepEqual(await fake(page, (f) => f.leftMessages), [
        { text: "Please call me\nabout my bill", phone: "555 0123", preferredTime: "after lunch" },
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("what was typed survives the form going away and coming back", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      // Slow enough to see the request on its way.
      await fake(page, (f) => f.setReplyDelay(400));
      await page.locator("#leave-message-text").fill("Half a message");
      await page.locator("#callback-phone").fill("555 0123");
      // Trying again hides the form while the request is on its way.
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.equal(await page.locator("#leave-message-form").count(), 0);
      await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
      await page.waitForSelector("#leave-message-form");
      assert.equal(await page.locator("#leave-message-text").inputValue(), "Half a message");
      assert.equal(await page.locator("#callback-phone").inputValue(), "555 0123");
    } finally {
      await context.close();
    }
  });

  test("an empty message without a phone number is not sent and the user is told why", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await page.locator("#leave-message-text").fill("  \n ");
      await page.locator("#callback-time").fill("tomorrow");
      await page.locator("#leave-message-submit").click();
      await waitForText(page, "#leave-message-error", "Please write something before sending.");
      assert.equal(await page.locator("#leave-message-error p").count(), 1, "nothing to try again");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "leave-message-text");
      await page.waitForTimeout(100);
      assert.equal(await fake(page, (f) => f.callCount("leaveMessage")), 0, "the backend was not called");
      assert.equal(await handoffState(page), "unavailable");
      assert.equal(await page.locator("#callback-time").inputValue(), "tomorrow");
    } finally {
      await context.close();
    }
  });

  test("with the keyboard alone: from the person button into the form and out with Enter", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await page.locator("#person-button").focus();
      const order = [];
      for (let i = 0; i < 5; i += 1) {
        await page.keyboard.press("Tab");
        order.push(await page.evaluate(() => document.activeElement?.id ?? ""));
      }
      // Issue 9, item 4: the form is the one place to write while it is open;
      // after its button comes the way back to the conversation.
      assert.deepEqual(order, ["leave-message-text", "callback-phone", "callback-time", "leave-message-submit", "leave-message-back"]);
      await page.locator("#leave-message-text").focus();
      await page.keyboard.type("Line one");
      await page.keyboard.press("Enter");
      await page.keyboard.type("line two");
      assert.equal(await page.locator("#leave-message-text").inputValue(), "Line one\nline two", "Enter is a new line here");
      await page.locator("#callback-phone").focus();
      await page.keyboard.type("555 0123");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      assert.deepEqual(await fake(page, (f) => f.leftMessages), [
        { text: "Line one\nline two", phone: "555 0123", preferredTime: null },
      ]);
    } finally {
      await context.close();
    }
  });

  test("a backend that cannot take messages: no form, but a way forward", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, { query: { leaveMessage: "0" } });
    try {
      await fake(page, (f) => f.setAfterHours(true));
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
      await waitForText(page, "#transcript", "Nobody is available right now. Please try again later.");
      assert.deepEqual(await panelLines(page), [
        "Nobody is available right now.",
        "Please try again later with the “Talk to a person” button.",
      ]);
      assert.equal(await page.locator("#leave-message-form").count(), 0);
      await fake(page, (f) => f.setAfterHours(false));
      await page.locator("#person-button").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
