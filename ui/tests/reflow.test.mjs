// Reflow and text spacing (WCAG 1.4.10, 1.4.4, 1.4.12): at 400 % page zoom
// (a 320 CSS px wide window), at 300 % text in a 480×360 window, and with
// the text spacing a reader's own style sheet may set, nothing is cut off
// and the person button stays wholly in view and uncovered, in every state.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cutOff, TEXT_SPACING_CSS } from "./geometry.mjs";
import { openApp, settle, useBrowser } from "./helpers.mjs";
import { STATES } from "./states.mjs";

const env = useBrowser();

const SIZES = [
  // 1280×1024 at 400 %: WCAG's 320 CSS px by 256.
  { what: "400 % zoom (320x256)", viewport: { width: 320, height: 256 }, query: {} },
  { what: "300 % text in 480x360", viewport: { width: 480, height: 360 }, query: { textScale: "3" } },
  { what: "300 % text in 480x360, Chinese", viewport: { width: 480, height: 360 }, query: { textScale: "3", lang: "zh-CN" } },
  { what: "300 % text in 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "3" } },
  { what: "text spacing at 1280x800", viewport: { width: 1280, height: 800 }, query: {}, spacing: true },
  { what: "text spacing at 200 % text in 480x600", viewport: { width: 480, height: 600 }, query: { textScale: "2" }, spacing: true },
];

async function findings(name, size) {
  const state = STATES[name];
  const { page, context, problems } = await openApp(env.browser, env.server.url, {
    viewport: size.viewport,
    query: { ...(state.query ?? {}), ...size.query },
  });
  try {
    if (size.spacing) await page.addStyleTag({ content: TEXT_SPACING_CSS });
    await state.reach(page);
    await settle(page);
    assert.deepEqual(problems, []);
    return await page.evaluate(cutOff);
  } finally {
    await context.close();
  }
}

for (const size of SIZES) {
  describe(size.what, () => {
    for (const name of Object.keys(STATES)) {
      test(`${name}: nothing cut off, the person button wholly in view`, async () => {
        assert.deepEqual(await findings(name, size), []);
      });
    }
  });
}

test("the leave-a-message form at 300 % text in 480x600: every field, with its label, comes wholly into view when it has the focus", async () => {
  const { page, context, problems } = await openApp(env.browser, env.server.url, {
    viewport: { width: 480, height: 600 },
    query: { textScale: "3" },
  });
  try {
    await STATES.unavailable.reach(page);
    const seen = [];
    await page.locator("#leave-message-text").focus();
    for (let i = 0; i < 5; i += 1) {
      await settle(page);
      seen.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
          const bar = document.querySelector(".topbar").getBoundingClientRect();
          const person = document.querySelector("#person-button").getBoundingClientRect();
          const inView = (r) => r.top >= bar.bottom - 1 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1;
          const r = el.getBoundingClientRect();
          return {
            id: el.id,
            inView: inView(r),
            labelInView: label ? inView(label.getBoundingClientRect()) : null,
            wide: r.width >= innerWidth * 0.6 || el.tagName === "BUTTON",
            personInView: person.top >= 0 && person.bottom <= innerHeight,
          };
        }),
      );
      await page.keyboard.press("Tab");
    }
    const label = (id, hasLabel) => ({ id, inView: true, labelInView: hasLabel ? true : null, wide: true, personInView: true });
    assert.deepEqual(seen, [
      label("leave-message-text", true),
      label("callback-phone", true),
      label("callback-time", true),
      label("leave-message-submit", false),
      label("leave-message-back", false),
    ]);
    assert.deepEqual(await page.evaluate(cutOff), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the check can fail: a cut word, a covered person button and a too wide text box row are found", async () => {
  const { page, context } = await openApp(env.browser, env.server.url, { viewport: { width: 480, height: 600 } });
  try {
    await page.addStyleTag({
      content: `.topbar__title { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; width: 40px; flex: none; position: static; height: auto; clip-path: none; }
                .composer { width: 700px; }`,
    });
    await page.evaluate(() => {
      const cover = document.createElement("div");
      const r = document.querySelector("#person-button").getBoundingClientRect();
      cover.style.cssText = `position:fixed;z-index:10;top:${r.top}px;left:${r.left}px;width:${r.width / 2}px;height:${r.height}px;background:#000`;
      document.body.append(cover);
    });
    const found = await page.evaluate(cutOff);
    assert.ok(found.some((f) => f.startsWith("h1.topbar__title: text cut")), found.join("\n"));
    assert.ok(found.some((f) => f.startsWith("the person button is covered")), found.join("\n"));
    assert.ok(found.some((f) => f.startsWith("#send-button: cut by main.chat")), found.join("\n"));
  } finally {
    await context.close();
  }
});
