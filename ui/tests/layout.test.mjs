// The window's shape: live regions, large type, the person button always in
// view, only the conversation scrolling.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addBotMessages, boxOf, fake, goUnavailable, openApp, settle, textOf, useBrowser, waitForAttribute } from "./helpers.mjs";

const env = useBrowser();

function assertInside(box, what) {
  assert.ok(box, `${what} is missing`);
  assert.ok(box.left >= 0 && box.top >= 0, `${what} starts outside the viewport: ${JSON.stringify(box)}`);
  assert.ok(
    box.right <= box.viewportWidth + 0.5 && box.bottom <= box.viewportHeight + 0.5,
    `${what} ends outside the viewport: ${JSON.stringify(box)}`,
  );
}

async function assertPersonButtonUsable(page, what) {
  const box = await boxOf(page, "#person-button");
  assertInside(box, `person button (${what})`);
  assert.ok(box.width >= 60 && box.height >= 60, `person button too small (${what}): ${box.width}x${box.height}`);
  // Nothing covers it: the element at its centre is the button (or its text).
  const onTop = await page.evaluate(() => {
    const el = document.querySelector("#person-button");
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return el === hit || el.contains(hit);
  });
  assert.ok(onTop, `person button is covered (${what})`);
}

/** The page itself never scrolls; the transcript does. */
async function scrollFacts(page) {
  return page.evaluate(() => {
    const t = document.querySelector("#transcript");
    const last = t.querySelector(".message:last-child");
    const tr = t.getBoundingClientRect();
    const lr = last?.getBoundingClientRect();
    return {
      pageScrollable: document.documentElement.scrollHeight > document.documentElement.clientHeight + 1,
      bodyScrollable: document.body.scrollHeight > document.body.clientHeight + 1,
      transcriptScrolls: t.scrollHeight > t.clientHeight + 1,
      transcriptOverflowY: getComputedStyle(t).overflowY,
      atEnd: t.scrollHeight - t.scrollTop - t.clientHeight <= 2,
      lastVisible: lr ? lr.bottom <= tr.bottom + 1 && lr.bottom > tr.top : false,
      // A newest message taller than the view is shown from its start.
      lastStartVisible: lr ? lr.height > tr.height / 2 && lr.top >= tr.top - 1 && lr.top < tr.bottom : false,
      scrollY: window.scrollY,
    };
  });
}

describe("live regions", () => {
  test("the log and status regions are in the page and empty before the snapshot arrives", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { holdSnapshot: "1" },
      waitLoaded: false,
    });
    try {
      await page.waitForSelector("#app");
      // The fake was asked for the snapshot and is holding it back.
      await page.waitForFunction(() => window.__warmlineFake?.snapshotCalls() === 1);
      const atLoad = await page.evaluate(() => {
        const log = document.querySelector("#transcript");
        const status = document.querySelector("#handoff-status");
        const panel = document.querySelector("#handoff-panel");
        return {
          loaded: document.querySelector("#app").dataset.loaded,
          logRole: log?.getAttribute("role"),
          logLabel: log?.getAttribute("aria-label"),
          logChildren: log?.childElementCount,
          logText: log?.textContent,
          statusRole: status?.getAttribute("role"),
          statusLive: status?.getAttribute("aria-live"),
          statusChildren: status?.childElementCount,
          statusText: status?.textContent,
          statusAtomic: status?.getAttribute("aria-atomic"),
          // The visible panel is not a live region: it changes too often.
          panelLive: panel?.getAttribute("aria-live") ?? panel?.getAttribute("role") ?? null,
          panelText: panel?.textContent,
          alertRole: document.querySelector("#alert")?.getAttribute("role"),
          alertText: document.querySelector("#alert")?.textContent,
        };
      });
      assert.deepEqual(atLoad, {
        loaded: "false",
        logRole: "log",
        logLabel: "Conversation",
        logChildren: 0,
        logText: "",
        statusRole: "status",
        statusLive: "polite",
        statusChildren: 0,
        statusText: "",
        statusAtomic: "true",
        panelLive: null,
        panelText: "",
        alertRole: "alert",
        alertText: "",
      });
      // The connection state is not announced before the snapshot says it.
      await fake(page, (f) => f.releaseSnapshot());
      await waitForAttribute(page, "#app", "data-loaded", "true");
      assert.equal(await page.locator("#transcript .message").count(), 1, "the welcome message fills the log");
      assert.match(await textOf(page, "#transcript"), /Sunny \(demo assistant\)/);
      assert.equal(await textOf(page, "#handoff-panel"), "", "nothing to report while online and not waiting");
      assert.equal(await textOf(page, "#handoff-status"), "", "nothing to announce");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("html lang, title and the demo banner follow the backend", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await page.evaluate(() => document.documentElement.lang), "en-US");
      assert.equal(await page.title(), "Warmline");
      assert.match(await textOf(page, "#demo-banner"), /^Demo mode: /);
      assert.equal(await page.locator("h1").textContent(), "Warmline");
    } finally {
      await context.close();
    }
    const nonDemo = await openApp(env.browser, env.server.url, { query: { demo: "0" } });
    try {
      assert.equal(await nonDemo.page.locator("#demo-banner").count(), 0);
    } finally {
      await nonDemo.context.close();
    }
  });
});

describe("large text", () => {
  test("body text is at least 24px with line-height at least 1.5, everywhere that has text", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => f.setConnection("reconnecting"));
      await page.locator("#person-button").click();
      await page.waitForSelector("#person-cancel-button");
      const sizes = await page.evaluate(() => {
        const body = getComputedStyle(document.body);
        const fontSize = parseFloat(body.fontSize);
        const lineHeight = parseFloat(body.lineHeight);
        const smallest = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (n.textContent.trim() === "") continue;
          const size = parseFloat(getComputedStyle(n.parentElement).fontSize);
          smallest.push({ size, text: n.textContent.slice(0, 30) });
        }
        const placeholder = parseFloat(getComputedStyle(document.querySelector("#composer-input")).fontSize);
        return {
          fontSize,
          lineHeight,
          family: body.fontFamily,
          placeholder,
          tooSmall: smallest.filter((s) => s.size < 24),
          count: smallest.length,
        };
      });
      assert.ok(sizes.fontSize >= 24, `body font-size ${sizes.fontSize}px`);
      assert.ok(sizes.lineHeight / sizes.fontSize >= 1.5, `body line-height ${sizes.lineHeight}px`);
      assert.match(sizes.family, /sans-serif$/);
      assert.match(sizes.family, /Noto Sans CJK SC/);
      assert.ok(sizes.count > 8, "found the page's texts");
      assert.deepEqual(sizes.tooSmall, [], "no visible text below 24px");
      assert.ok(sizes.placeholder >= 24);
    } finally {
      await context.close();
    }
  });

  test("--text-scale scales the text and ?textScale sets it", async () => {
    const sizeAt = async (scale) => {
      const { page, context } = await openApp(env.browser, env.server.url, {
        query: scale === null ? {} : { textScale: String(scale) },
        viewport: { width: 1600, height: 1000 },
      });
      try {
        return await page.evaluate(() => ({
          scale: getComputedStyle(document.documentElement).getPropertyValue("--text-scale").trim(),
          body: parseFloat(getComputedStyle(document.body).fontSize),
          message: parseFloat(getComputedStyle(document.querySelector(".message__text")).fontSize),
          person: parseFloat(getComputedStyle(document.querySelector("#person-button")).fontSize),
          // The smallest text anywhere in the window.
          smallest: Math.min(
            ...[...document.querySelectorAll("body *")]
              .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== ""))
              .map((el) => parseFloat(getComputedStyle(el).fontSize)),
          ),
        }));
      } finally {
        await context.close();
      }
    };
    const one = await sizeAt(null);
    const two = await sizeAt(2);
    const three = await sizeAt(3);
    assert.equal(one.scale, "1");
    assert.equal(one.body, 24);
    assert.equal(two.scale, "2");
    assert.equal(two.body, 48);
    assert.equal(two.message, 48);
    assert.equal(three.body, 72);
    assert.equal(three.message, 72);
    assert.ok(two.person > one.person, `the person button's text grows too (${one.person} → ${two.person})`);
    assert.ok(three.person >= two.person);
    assert.equal(one.smallest, 24);
    assert.ok(two.smallest > 30, `all text grows with the scale (smallest at 2: ${two.smallest}px)`);
  });
});

describe("the person button is always in view", () => {
  for (const { name, viewport, query } of [
    { name: "default size", viewport: { width: 1280, height: 800 }, query: {} },
    { name: "text scale 3 in 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "3" } },
    { name: "text scale 3 in zh-TW, 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "3", lang: "zh-TW" } },
    { name: "small window 360x480", viewport: { width: 360, height: 480 }, query: {} },
  ]) {
    test(`${name}: at least 60x60, inside the viewport, also after 50 messages and while waiting`, async () => {
      const { page, context, problems } = await openApp(env.browser, env.server.url, { viewport, query });
      try {
        await assertPersonButtonUsable(page, "at load");
        assertInside(await boxOf(page, "#send-button"), "send button");
        assertInside(await boxOf(page, "#composer-input"), "text box");

        await addBotMessages(page, 50);
        // Followed to the newest message: at the end, or (when the message
        // barely fits) with the whole message in view and only the bottom
        // padding below it.
        await page.waitForFunction(() => {
          const t = document.querySelector("#transcript");
          const last = t.querySelector(".message:last-child").getBoundingClientRect();
          const view = t.getBoundingClientRect();
          // A newest message taller than the view (its "Read aloud again"
          // button under it) is shown from its start.
          const fromStart = last.height > view.height / 2 && last.top >= view.top - 1 && last.top <= view.top + 24;
          return t.scrollHeight - t.scrollTop - t.clientHeight <= 2 || (last.top >= view.top && last.bottom <= view.bottom + 1) || fromStart;
        });
        const facts = await scrollFacts(page);
        assert.equal(facts.transcriptScrolls, true, "the transcript scrolls");
        assert.equal(facts.transcriptOverflowY, "auto");
        assert.equal(facts.pageScrollable, false, "the page does not scroll");
        assert.equal(facts.bodyScrollable, false, "the body does not scroll");
        assert.equal(facts.scrollY, 0);
        assert.equal(facts.lastVisible || facts.lastStartVisible, true, "the newest message is visible (from its start when taller than the view)");
        await assertPersonButtonUsable(page, "after 50 messages");
        assertInside(await boxOf(page, "#send-button"), "send button after 50 messages");

        // Waiting in the queue adds the Cancel button and a status text.
        await page.locator("#person-button").click();
        await fake(page, (f) => f.advanceQueue());
        await waitForAttribute(page, "#app", "data-handoff-state", "queued");
        await assertPersonButtonUsable(page, "while queued");
        assertInside(await boxOf(page, "#person-cancel-button"), "cancel button");
        assertInside(await boxOf(page, "#handoff-panel"), "status panel");
        assertInside(await boxOf(page, "#send-button"), "send button while queued");
        assert.equal((await scrollFacts(page)).pageScrollable, false, "the page still does not scroll");
        const transcriptHeight = (await boxOf(page, "#transcript")).height;
        assert.ok(transcriptHeight >= 60, `the conversation keeps some room (${transcriptHeight}px)`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test("keeps following the newest message, but not while the reader scrolled up", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await addBotMessages(page, 30);
      await page.waitForFunction(() => {
        const t = document.querySelector("#transcript");
        return t.scrollHeight - t.scrollTop - t.clientHeight <= 2;
      });
      await page.evaluate(() => {
        document.querySelector("#transcript").scrollTop = 0;
      });
      // Let the scroll event reach the window (it is dispatched on a frame).
      await settle(page);
      await page.waitForTimeout(50);
      await addBotMessages(page, 1);
      assert.equal(await page.evaluate(() => document.querySelector("#transcript").scrollTop), 0, "reader stays put");
      // The reader's own message brings the conversation back to the end.
      await page.locator("#composer-input").fill("hello");
      await page.locator("#send-button").click();
      await page.waitForFunction(() => {
        const t = document.querySelector("#transcript");
        return t.scrollTop > 0 && t.scrollHeight - t.scrollTop - t.clientHeight <= 2;
      });
    } finally {
      await context.close();
    }
  });
});

describe("the person button is in view in every state of the request for a person", () => {
  /** The window keeps its shape: only the conversation (and the form area) scroll. */
  async function assertShape(page, what) {
    await assertPersonButtonUsable(page, what);
    // Issue 9, item 4: while the leave-a-message form is open it is the one
    // place to write; the conversation and its text box make room for it.
    if ((await page.locator("#leave-message-form").count()) > 0) {
      assert.equal(await page.locator("#composer-input").isVisible(), false, `one place to write (${what})`);
      assert.equal(await page.locator("#leave-message-text").isVisible(), true, `the form is shown (${what})`);
      const facts = await scrollFacts(page);
      assert.equal(facts.pageScrollable, false, `the page does not scroll (${what})`);
      return;
    }
    assertInside(await boxOf(page, "#send-button"), `send button (${what})`);
    assertInside(await boxOf(page, "#composer-input"), `text box (${what})`);
    const facts = await scrollFacts(page);
    assert.equal(facts.pageScrollable, false, `the page does not scroll (${what})`);
    assert.equal(facts.scrollY, 0);
    const transcript = await boxOf(page, "#transcript");
    assert.ok(transcript.height >= 60, `the conversation keeps some room (${what}): ${transcript.height}px`);
    // The newest message is in view (its start, at least).
    const newest = await page.evaluate(() => {
      const t = document.querySelector("#transcript").getBoundingClientRect();
      const last = document.querySelector("#transcript .message:last-child").getBoundingClientRect();
      return last.top >= t.top - 1 && last.top < t.bottom;
    });
    assert.ok(newest, `the newest message is in view (${what})`);
  }

  for (const { name, viewport, query } of [
    { name: "default size", viewport: { width: 1280, height: 800 }, query: {} },
    { name: "text scale 3 in 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "3" } },
    { name: "text scale 3 in zh-TW, 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "3", lang: "zh-TW" } },
  ]) {
    test(`${name}: offered, connecting, asked while offline, queued, with a person, nobody available (form open), message left`, async () => {
      const { page, context, problems } = await openApp(env.browser, env.server.url, { viewport, query });
      try {
        for (const question of ["Can you fix my television?", "My television is broken"]) {
          await page.locator("#composer-input").fill(question);
          await page.keyboard.press("Enter");
          await page.waitForSelector(`.message[data-author-kind="user"]:nth-last-child(-n+3)`);
        }
        await waitForAttribute(page, "#person-button", "data-offered", "true");
        await settle(page);
        await assertShape(page, "offered");

        await fake(page, (f) => f.setConnection("connecting"));
        await waitForAttribute(page, "#app", "data-connection", "connecting");
        await settle(page);
        await assertShape(page, "connecting");

        await fake(page, (f) => f.setConnection("reconnecting"));
        await page.locator("#person-button").click();
        await waitForAttribute(page, "#app", "data-handoff-state", "requested");
        await page.waitForSelector("#person-cancel-button");
        await settle(page);
        await assertShape(page, "asked while reconnecting");
        assertInside(await boxOf(page, "#person-cancel-button"), "cancel button while reconnecting");

        await fake(page, (f) => f.setConnection("online"));
        await fake(page, (f) => f.advanceQueue());
        await waitForAttribute(page, "#app", "data-handoff-state", "queued");
        await settle(page);
        await assertShape(page, "queued");
        assertInside(await boxOf(page, "#person-cancel-button"), "cancel button while queued");

        for (let i = 0; i < 3; i += 1) await fake(page, (f) => f.advanceQueue());
        await waitForAttribute(page, "#app", "data-handoff-state", "connected");
        await page.waitForSelector('.message[data-author-kind="agent"]');
        await settle(page);
        await assertShape(page, "with a person");

        await fake(page, (f) => f.emit({ kind: "handoffChanged", handoff: { state: "none" } }));
        await waitForAttribute(page, "#app", "data-handoff-state", "none");
        await goUnavailable(page);
        await settle(page);
        await assertShape(page, "nobody available, form open");
        if (viewport.height >= 800) {
          const area = await page.evaluate(() => {
            const el = document.querySelector(".handoff");
            return { scrollHeight: el.scrollHeight, clientHeight: el.clientHeight };
          });
          assert.ok(area.scrollHeight <= area.clientHeight + 1, `the whole form is in view: ${JSON.stringify(area)}`);
        }
        // A failure, shown in the form, with everything typed still there.
        await fake(
          page,
          (f) => f.failNext("leaveMessage", { code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} }),
        );
        await page.locator("#leave-message-text").fill("Please call me about my bill. It is far too high this month.");
        await page.locator("#callback-phone").fill("555 0123");
        await page.locator("#callback-time").fill("tomorrow morning");
        await page.locator("#leave-message-submit").click();
        await page.waitForSelector("#leave-message-error p");
        await settle(page);
        // The error is brought into view, inside the (scrolling) form area:
        // all of it, or its start when it is taller than the area.
        const shown = await page.evaluate(() => {
          const area = document.querySelector(".handoff").getBoundingClientRect();
          const error = document.querySelector("#leave-message-error").getBoundingClientRect();
          return { area: [area.top, area.bottom], error: [error.top, error.bottom] };
        });
        const fits = shown.error[1] - shown.error[0] <= shown.area[1] - shown.area[0];
        assert.ok(
          shown.error[0] >= shown.area[0] - 1 && (shown.error[1] <= shown.area[1] + 1 || !fits),
          `the error is in view: ${JSON.stringify(shown)}`,
        );
        // The form may scroll; the person button does not move with it.
        const person = await boxOf(page, "#person-button");
        for (const id of ["leave-message-text", "callback-phone", "callback-time", "leave-message-error", "leave-message-submit"]) {
          await page.locator(`#${id}`).scrollIntoViewIfNeeded();
          await settle(page);
          assertInside(await boxOf(page, `#${id}`), `#${id} scrolled into view`);
          assert.deepEqual(await boxOf(page, "#person-button"), person, `the person button stays put (#${id})`);
          await assertShape(page, `form scrolled to #${id}`);
        }
        const tooSmall = await page.evaluate(() =>
          [...document.querySelectorAll("#leave-message-form, #leave-message-form *")]
            .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== ""))
            .map((el) => parseFloat(getComputedStyle(el).fontSize))
            .filter((size) => size < 24),
        );
        assert.deepEqual(tooSmall, [], "no text in the form below 24px");

        await page.locator("#leave-message-submit").click();
        await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
        await settle(page);
        await assertShape(page, "message left");
        assertInside(await boxOf(page, "#handoff-panel"), "the confirmation");
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

test("back from the form to the conversation, the newest message is in view", async () => {
  // Issue 9, item 4: the form takes the window; "Back to the conversation" gives it back.
  const { page, context } = await openApp(env.browser, env.server.url);
  try {
    await page.locator("#composer-input").fill("hello");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length === 2);
    await goUnavailable(page);
    await page.locator("#leave-message-text").fill("kept");
    await page.locator("#leave-message-back").click();
    await page.waitForSelector("#leave-message-form", { state: "detached" });
    await settle(page);
    const view = await page.evaluate(() => {
      const t = document.querySelector("#transcript");
      const last = t.querySelector(".message:last-child");
      const tr = t.getBoundingClientRect();
      return { text: last.textContent, top: last.getBoundingClientRect().top - tr.top, height: tr.height };
    });
    assert.match(view.text, /Nobody is available right now/);
    assert.ok(view.top >= -1 && view.top < view.height, `the newest message starts in view: ${JSON.stringify(view)}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "composer-input");
    // And back into the form, with what was typed still there.
    await page.locator("#leave-message-open").click();
    assert.equal(await page.locator("#leave-message-text").inputValue(), "kept");
  } finally {
    await context.close();
  }
});

test("a newest message taller than the view is shown from its start, with who wrote it", async () => {
  const { page, context } = await openApp(env.browser, env.server.url, {
    viewport: { width: 480, height: 600 },
    query: { textScale: "3" },
  });
  try {
    const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of a long answer.`).join(" ");
    await fake(page, (f, text) => f.addMessage({ kind: "agent", name: "Mei", demo: true }, text), long);
    await page.waitForSelector('.message[data-author-kind="agent"]');
    await settle(page);
    const view = await page.evaluate(() => {
      const t = document.querySelector("#transcript").getBoundingClientRect();
      const last = document.querySelector("#transcript .message:last-child");
      const author = last.querySelector(".message__author").getBoundingClientRect();
      return {
        tallerThanView: last.getBoundingClientRect().height > t.height,
        authorVisible: author.top >= t.top && author.bottom <= t.bottom,
        author: last.querySelector(".message__author").textContent,
      };
    });
    assert.deepEqual(view, { tallerThanView: true, authorVisible: true, author: "Mei (demo agent)" });
    // The window still follows: the next message is shown too.
    await fake(page, (f) => f.addMessage({ kind: "agent", name: "Mei", demo: true }, "Short one."));
    await page.waitForFunction(() => {
      const t = document.querySelector("#transcript").getBoundingClientRect();
      const last = document.querySelector("#transcript .message:last-child");
      const r = last.getBoundingClientRect();
      return last.textContent.includes("Short one.") && r.top >= t.top - 1 && r.bottom <= t.bottom + 1;
    });
  } finally {
    await context.close();
  }
});

describe("keyboard and calm", () => {
  test("Tab order: person button, cancel, conversation, text box, microphone, Send; focus ring is thick", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#person-button").click();
      await page.waitForSelector("#person-cancel-button");
      await page.locator("#person-button").focus();
      const order = ["person-button"];
      for (let i = 0; i < 12 && order.at(-1) !== "send-button"; i += 1) {
        await page.keyboard.press("Tab");
        // "Read aloud again" under each reply, counted once.
        const now = await page.evaluate(() => (document.activeElement?.dataset.readFor ? "read-again" : document.activeElement?.id ?? ""));
        if (now !== "read-again" || order.at(-1) !== "read-again") order.push(now);
      }
      assert.deepEqual(order, ["person-button", "person-cancel-button", "transcript", "read-again", "composer-input", "mic-button", "send-button"]);
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      assert.equal(ring.style, "solid");
      assert.ok(ring.width >= 3, `outline ${ring.width}px`);
    } finally {
      await context.close();
    }
  });

  test("nothing animates or transitions", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      const moving = await page.evaluate(() =>
        [...document.querySelectorAll("*")]
          .map((el) => ({ el: el.id || el.className || el.tagName, s: getComputedStyle(el) }))
          .filter(({ s }) => s.animationName !== "none" || (s.transitionDuration !== "0s" && s.transitionProperty !== "none"))
          .map(({ el }) => String(el)),
      );
      assert.deepEqual(moving, []);
    } finally {
      await context.close();
    }
  });
});
