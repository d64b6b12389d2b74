// Keyboard only: every action of the window with the keys alone, in a
// sensible Tab order (asserted), and a focus ring of at least 2 px at 3:1
// or better against the colours next to it on every element that takes the
// focus, in every state.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fake, openApp, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";
import { STATES } from "./states.mjs";

const env = useBrowser();

/** What has the focus: its id, or its tag and first class. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    if (el.id) return el.id;
    if (el.dataset.readFor) return `read:${el.dataset.readFor}`;
    return el.dataset.retryFor ? `retry:${el.dataset.retryFor}` : `${el.tagName.toLowerCase()}.${el.classList[0] ?? ""}`;
  });

/**
 * The expected order with the buttons inside the conversation ("Read aloud
 * again" under each reply, "Try again" under a failed message) right after
 * it, in the order the conversation shows them.
 */
async function withTranscriptStops(page, expected) {
  const stops = await page.evaluate(() =>
    [...document.querySelectorAll("#transcript [data-read-for], #transcript [data-retry-for]")].map((el) =>
      el.dataset.readFor ? `read:${el.dataset.readFor}` : `retry:${el.dataset.retryFor}`,
    ),
  );
  const inside = expected.filter((id) => id.startsWith("retry:"));
  assert.deepEqual(stops.filter((id) => id.startsWith("retry:")), inside, "the Try again buttons expected");
  const at = expected.indexOf("transcript");
  const rest = expected.filter((id) => !id.startsWith("retry:"));
  return at < 0 ? expected : [...rest.slice(0, at + 1), ...stops, ...rest.slice(at + 1)];
}

/** Shift+Tab until `target`, passing only "Read aloud again" buttons on the way. */
async function backTo(page, target) {
  for (let i = 0; i < 20; i += 1) {
    await page.keyboard.press("Shift+Tab");
    const now = await focused(page);
    if (now === target) return;
    assert.ok(now.startsWith("read:"), `on the way back to ${target}: ${now}`);
  }
  assert.fail(`${target} not reached`);
}

/**
 * The Tab order from the person button (the first thing in the window:
 * nothing comes before it) to the last stop, once round.
 */
async function tabOrder(page) {
  await page.locator("#person-button").focus();
  const order = ["person-button"];
  for (let i = 0; i < 30; i += 1) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (now === "body" || order.includes(now)) break;
    order.push(now);
  }
  const first = await page.evaluate(() => {
    const all = [...document.querySelectorAll("button, textarea, input, [tabindex]")].filter(
      (el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0,
    );
    return all[0]?.id ?? null;
  });
  assert.equal(first, "person-button", "the person button is the first stop");
  return order;
}

/**
 * Runs in the page on the focused element: the ring's width and style, and
 * its contrast with each colour next to it (outside: what is behind the
 * element; inside: the element's own background when the ring is drawn on
 * it, or a box-shadow it touches, or what is behind it across the gap).
 */
function ringFacts() {
  const { parse, over, behind, ratio } = window.__colour;
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outside = behind(el.parentElement ?? document.body);
  const ring = over(parse(s.outlineColor), outside);
  const offset = parseFloat(s.outlineOffset) || 0;
  const neighbours = { outside };
  if (offset < 0) {
    neighbours.inside = behind(el);
  } else {
    // Box shadows (e.g. the person button's halo) reaching the ring.
    const shadows = [...s.boxShadow.matchAll(/(rgba?\([^)]+\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+(-?[\d.]+)px/g)]
      .map((m) => ({ color: over(parse(m[1]), outside), spread: Number(m[5]) }))
      .filter((sh) => sh.spread >= offset);
    if (shadows.length > 0) {
      neighbours.inside = shadows.sort((p, q) => q.spread - p.spread)[0].color;
    } else if (offset === 0) {
      neighbours.inside = over(parse(s.borderTopColor), outside);
    } else {
      neighbours.inside = outside;
    }
  }
  return {
    style: s.outlineStyle,
    width: parseFloat(s.outlineWidth),
    ratios: Object.fromEntries(Object.entries(neighbours).map(([k, c]) => [k, Math.round(ratio(ring, c) * 100) / 100])),
  };
}

async function assertRings(page, order, what) {
  for (const id of order) {
    const selector = id.startsWith("retry:")
      ? `[data-retry-for="${id.slice(6)}"]`
      : id.startsWith("read:")
        ? `[data-read-for="${id.slice(5)}"]`
        : `#${id}`;
    // A key first, so that the focus is keyboard focus (:focus-visible), as
    // a Tab would give.
    await page.keyboard.press("Shift");
    await page.locator(selector).focus();
    assert.equal(await focused(page), id);
    assert.equal(await page.evaluate(() => document.activeElement.matches(":focus-visible")), true, `${what}: ${id} shows keyboard focus`);
    const ring = await page.evaluate(ringFacts);
    assert.equal(ring.style, "solid", `${what}: ${id} has a solid ring`);
    assert.ok(ring.width >= 2, `${what}: ${id}'s ring is ${ring.width}px`);
    for (const [side, value] of Object.entries(ring.ratios)) {
      assert.ok(value >= 3, `${what}: ${id}'s ring is ${value}:1 against the colour ${side} it`);
    }
  }
}

// The Tab order of each state, top to bottom as the window reads. The
// caregiver's Settings button and the elder's text size buttons come last,
// out of the way (at 100 % text "Smaller text" is disabled, so not a stop).
const LAST = ["settings-button", "text-bigger-button"];
const ORDERS = {
  idle: ["person-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  queued: ["person-button", "person-cancel-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  connected: ["person-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  unavailable: ["person-button", "leave-message-text", "callback-phone", "callback-time", "leave-message-submit", "leave-message-back"],
  "message-left": ["person-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  "voice-listening": ["person-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  offered: ["person-button", "transcript", "composer-input", "mic-button", "send-button", ...LAST],
  "send-failed": ["person-button", "transcript", "retry:u-failed", "composer-input", "mic-button", "send-button", ...LAST],
  "no-voice-model": ["person-button", "transcript", "composer-input", "mic-button", "send-button", "voice-download-button", ...LAST],
};

describe("Tab order and focus rings in every state", () => {
  for (const [name, expected] of Object.entries(ORDERS)) {
    test(`${name}: ${expected.join(" → ")}`, async () => {
      const state = STATES[name];
      const { page, context, problems } = await openApp(env.browser, env.server.url, { query: state.query ?? {} });
      try {
        await state.reach(page);
        const order = await tabOrder(page);
        assert.deepEqual(order, await withTranscriptStops(page, expected));
        await assertRings(page, order, name);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe("every action with the keyboard alone", () => {
  test("write and send, ask for a person, stop waiting, ask again, wait, talk to the person", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await focused(page), "composer-input", "the text box has the focus at start");
      await page.keyboard.type("Where is my parcel?");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length >= 2);
      assert.equal(await page.inputValue("#composer-input"), "");

      // Up to the person button: back past the conversation (and the
      // "Read aloud again" button under each reply).
      await backTo(page, "transcript");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "person-button");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      assert.equal(await focused(page), "composer-input", "back to the text box after asking");

      // Stop waiting, with Space on the Cancel button.
      await backTo(page, "transcript");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "person-cancel-button");
      await page.keyboard.press(" ");
      await waitForAttribute(page, "#app", "data-handoff-state", "none");
      assert.equal(await focused(page), "person-button", "the focus is not lost when Cancel goes");

      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "requested");
      for (let i = 0; i < 4; i += 1) await fake(page, (f) => f.advanceQueue());
      await waitForAttribute(page, "#app", "data-handoff-state", "connected");
      await page.keyboard.type("Hello Mei");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.__warmlineFake.sentTexts.includes("Hello Mei"));
      // The conversation scrolls with the keys once it has the focus.
      await backTo(page, "transcript");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("speak: Space on the microphone starts and stops listening; the words land in the text box", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => f.voice.setSpeech("I need help with my bill"));
      await page.keyboard.press("Tab");
      assert.equal(await focused(page), "mic-button");
      await page.keyboard.press(" ");
      await waitForAttribute(page, "#mic-button", "data-voice-state", "listening");
      assert.equal(await focused(page), "mic-button", "the focus stays on the button to stop");
      await page.keyboard.press(" ");
      await waitForAttribute(page, "#mic-button", "data-voice-state", "idle");
      await page.waitForFunction(() => document.querySelector("#composer-input").value.includes("I need help with my bill"));
      assert.equal(await focused(page), "composer-input", "the focus follows the words");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.__warmlineFake.sentTexts.includes("I need help with my bill"));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("nobody available: fill in the form, leave the message, back to the conversation", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await fake(page, (f) => f.setAfterHours(true));
      await backTo(page, "transcript");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "person-button");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
      await page.waitForSelector("#leave-message-form");
      // The form first goes back to the conversation, then is opened again.
      await page.locator("#person-button").focus();
      for (const expected of ["leave-message-text", "callback-phone", "callback-time", "leave-message-submit", "leave-message-back"]) {
        await page.keyboard.press("Tab");
        assert.equal(await focused(page), expected);
      }
      await page.keyboard.press("Enter");
      await page.waitForSelector("#leave-message-open");
      assert.equal(await focused(page), "composer-input", "back in the text box");
      await backTo(page, "transcript");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "leave-message-open");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#leave-message-form");
      assert.equal(await focused(page), "leave-message-text", "the form opens at its message box");
      await page.keyboard.type("Please call me back about my bill.");
      await page.keyboard.press("Tab");
      await page.keyboard.type("012 345 6789");
      await page.keyboard.press("Tab");
      await page.keyboard.type("tomorrow morning");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
      assert.equal(await focused(page), "handoff-panel", "the focus is on the confirmation");
      await waitForText(page, "#handoff-panel", "FAKE-0001");
      assert.deepEqual(await fake(page, (f) => f.leftMessages), [
        { text: "Please call me back about my bill.", phone: "012 345 6789", preferredTime: "tomorrow morning" },
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a message that could not be sent: Enter on Try again sends it again", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url);
    try {
      await STATES["send-failed"].reach(page);
      await page.locator("#composer-input").focus();
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "retry:u-failed");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.__warmlineFake.retriedIds.includes("u-failed"));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the ring check can fail: a 1 px grey ring is found", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.addStyleTag({ content: "#send-button:focus-visible { outline: 1px solid #999 !important; }" });
      await assert.rejects(assertRings(page, ["send-button"], "planted"), /send-button's ring is 1px/);
      await page.addStyleTag({ content: "#send-button:focus-visible { outline: 3px solid #ccc !important; }" });
      await assert.rejects(assertRings(page, ["send-button"], "planted"), /send-button's ring is 1\.\d+:1 against the colour outside it/);
    } finally {
      await context.close();
    }
  });
});
