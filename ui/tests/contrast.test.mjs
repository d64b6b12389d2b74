// Contrast: every text/background pair at WCAG AAA (7:1) or better,
// computed from the styles the browser actually applies.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fake, goUnavailable, openApp, useBrowser, waitForAttribute } from "./helpers.mjs";

const env = useBrowser();

/** Tabs onto each element in turn and checks its focus ring: at least 3 px
 * wide and at least 3:1 against what is around it. */
async function assertFocusRings(page, ids) {
  for (const id of ids) {
    await page.locator(`#${id}`).focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      // The ring lies outside the element, on its parent's background.
      let n = el.parentElement;
      while (n && getComputedStyle(n).backgroundColor === "rgba(0, 0, 0, 0)") n = n.parentElement;
      return { id: el.id, width: parseFloat(s.outlineWidth), color: s.outlineColor, around: n ? getComputedStyle(n).backgroundColor : "rgb(255, 255, 255)" };
    });
    assert.equal(ring.id, id);
    assert.ok(ring.width >= 3, `${id}: ring ${ring.width}px`);
    const ratio = await page.evaluate(([a, b]) => {
      const { parse, ratio } = window.__colour;
      return ratio(parse(a), parse(b));
    }, [ring.color, ring.around]);
    assert.ok(ratio >= 3, `${id}: ring ${ring.color} on ${ring.around} is ${ratio.toFixed(2)}:1`);
  }
}

/**
 * Runs in the page (with helpers.mjs's window.__colour): the contrast ratio of `selector`'s text colour against
 * the colour actually behind it (backgrounds composited from the canvas up).
 */
function measure(targets) {
  const { parse, over, behind: background, ratio } = window.__colour;
  return targets.map(({ selector, pseudo }) => {
    const els = [...document.querySelectorAll(selector)];
    if (els.length === 0) return { selector, missing: true };
    const worst = els
      .map((el) => {
        const bg = background(el);
        const fg = over(parse(getComputedStyle(el, pseudo ?? null).color), bg);
        return { ratio: ratio(fg, bg), text: (el.textContent || el.placeholder || "").slice(0, 40) };
      })
      .sort((x, y) => x.ratio - y.ratio)[0];
    return { selector: selector + (pseudo ?? ""), ...worst };
  });
}

const TARGETS = [
  { selector: "body" },
  { selector: ".topbar__title" },
  { selector: "#person-button" },
  { selector: "#person-cancel-button" },
  { selector: "#send-button" },
  { selector: "#demo-banner" },
  { selector: "#handoff-panel" },
  { selector: "#handoff-panel p" },
  { selector: "#alert p" },
  { selector: "#typing-indicator" },
  { selector: ".composer__label" },
  { selector: "#composer-input" },
  { selector: ".message__author" },
  { selector: ".message__time" },
  { selector: ".message__text" },
  { selector: ".message__delivery" },
  { selector: '.message[data-delivery="failed"] .message__delivery' },
  { selector: ".message__failure" },
  { selector: ".button--retry" },
  { selector: '.message[data-author-kind="agent"] .message__text' },
  { selector: '.message[data-author-kind="user"] .message__text' },
  { selector: '.message[data-author-kind="system"] .message__text' },
];

async function everythingOnScreen(page) {
  await page.locator("#person-button").click();
  await fake(page, (f) => f.advanceQueue());
  await fake(page, (f) => f.setConnection("reconnecting"));
  await waitForAttribute(page, "#app", "data-connection", "reconnecting");
  await page.locator("#composer-input").fill("hello");
  await page.locator("#send-button").click();
  await page.waitForSelector('.message[data-author-kind="user"][data-delivery="willRetry"]');
  await fake(page, (f) => {
    f.addMessage({ kind: "agent", name: "Mei", demo: true }, "An agent's words.");
    f.emit({
      kind: "messageAdded",
      message: { id: "lost", author: { kind: "user" }, body: { kind: "text", text: "x" }, sentAt: 0, delivery: "failed" },
    });
    f.emit({
      kind: "messageFailed",
      id: "lost",
      failure: { code: "backendRejected", messageId: "error-backend-rejected", args: {} },
    });
    f.emit({ kind: "typingChanged", typing: "Mei" });
    f.emit({ kind: "failed", error: { code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} } });
  });
  await page.waitForSelector("#alert p");
  await page.waitForSelector(".button--retry");
  await page.waitForSelector('.message[data-author-kind="agent"]');
  await page.waitForSelector("#typing-indicator:not(:empty)");
  await page.waitForSelector("#handoff-panel p");
}

describe("contrast", () => {
  for (const lang of ["en-US", "zh-CN"]) {
    test(`${lang}: every text is at least 7:1 against what is behind it`, async () => {
      const { page, context } = await openApp(env.browser, env.server.url, { query: { lang } });
      try {
        await everythingOnScreen(page);
        const results = await page.evaluate(measure, TARGETS);
        const missing = results.filter((r) => r.missing).map((r) => r.selector);
        assert.deepEqual(missing, [], "every element to measure is on screen");
        const weak = results.filter((r) => !(r.ratio >= 7));
        assert.deepEqual(weak, [], `below 7:1: ${JSON.stringify(weak)}`);
        // The key controls are measured (not vacuously passing).
        const byName = Object.fromEntries(results.map((r) => [r.selector, r.ratio]));
        for (const key of ["body", "#person-button", "#send-button", "#handoff-panel"]) {
          assert.ok(byName[key] >= 7, `${key}: ${byName[key]}`);
        }
      } finally {
        await context.close();
      }
    });
  }

  test("the suggestion on the person button and the leave-a-message form are at least 7:1", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => f.emit({ kind: "personOffered", offered: true }));
      await waitForAttribute(page, "#person-button", "data-offered", "true");
      const offered = await page.evaluate(measure, [
        { selector: "#person-button" },
        { selector: "#person-button .button__badge" },
        { selector: "#person-button .button__label" },
      ]);
      await goUnavailable(page);
      await fake(page, (f) => f.failNext("leaveMessage", { code: "backendRejected", messageId: "error-backend-rejected", args: {} }));
      await page.locator("#leave-message-text").fill("Please call me");
      await page.locator("#leave-message-submit").click();
      await page.waitForSelector("#leave-message-error p");
      const form = await page.evaluate(measure, [
        { selector: "#handoff-panel p" },
        { selector: "#leave-message-form label" },
        { selector: "#leave-message-hint" },
        { selector: "#leave-message-text" },
        { selector: "#callback-phone" },
        { selector: "#callback-time-example" },
        { selector: "#leave-message-error p" },
        { selector: "#leave-message-submit" },
      ]);
      const results = [...offered, ...form];
      assert.deepEqual(results.filter((r) => r.missing).map((r) => r.selector), [], "every element is on screen");
      const weak = results.filter((r) => !(r.ratio >= 7));
      assert.deepEqual(weak, [], `below 7:1: ${JSON.stringify(weak)}`);
    } finally {
      await context.close();
    }
  });

  test("the placeholder is at least 7:1", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      const [result] = await page.evaluate(measure, [{ selector: "#composer-input", pseudo: "::placeholder" }]);
      assert.ok(result.ratio >= 7, JSON.stringify(result));
      assert.equal(result.text, "Write your message here");
    } finally {
      await context.close();
    }
  });

  test("the measuring itself catches low contrast", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.addStyleTag({ content: "#send-button { color: #9a9a9a !important; background: #ffffff !important; }" });
      const [result] = await page.evaluate(measure, [{ selector: "#send-button" }]);
      assert.ok(result.ratio < 3, `grey on white measured as ${result.ratio}`);
    } finally {
      await context.close();
    }
  });

  test("focus rings stand out from what is around them (at least 3:1)", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#person-button").click();
      await page.waitForSelector("#person-cancel-button");
      await assertFocusRings(page, ["person-button", "person-cancel-button", "composer-input", "send-button"]);
    } finally {
      await context.close();
    }
  });

  test("focus rings in the form and on the suggested person button stand out too (at least 3:1)", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await goUnavailable(page);
      await fake(page, (f) => f.emit({ kind: "personOffered", offered: true }));
      await waitForAttribute(page, "#person-button", "data-offered", "true");
      await assertFocusRings(page, ["person-button", "leave-message-text", "callback-phone", "callback-time", "leave-message-submit"]);
    } finally {
      await context.close();
    }
  });
});
