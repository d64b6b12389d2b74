// The caregiver's settings window (settings.html) on the fake settings
// service, and what the chat window shows of the settings.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { boxOf, fake, openApp, textOf, useBrowser, waitForAttribute, waitForText } from "./helpers.mjs";

const env = useBrowser();

/** Opens settings.html in a fresh context; `problems` collects page errors and warnings. */
async function openSettings(query = {}, viewport = { width: 1000, height: 800 }) {
  const context = await env.browser.newContext({ viewport });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  await page.goto(`${env.server.url}settings.html?${new URLSearchParams(query)}`);
  await page.waitForSelector("#settings-app:not([data-screen=loading])");
  return { page, context, problems };
}

async function pressDigits(page, digits) {
  for (const digit of digits) {
    await page.locator(`.pin__digit[data-digit="${digit}"]`).click();
  }
}

async function unlock(page, pin = "4711") {
  await page.locator("#pin-input").fill(pin);
  await page.keyboard.press("Enter");
  await waitForAttribute(page, "#settings-app", "data-screen", "open");
}

describe("the PIN", () => {
  test("first use: the PIN is chosen twice with the digit buttons and the keyboard, then opens the area; closing locks it", async () => {
    const { page, context, problems } = await openSettings();
    try {
      assert.equal(await page.getAttribute("#settings-app", "data-screen"), "choose-pin");
      await pressDigits(page, "2580");
      assert.equal(await page.inputValue("#pin-input"), "2580", "the digit buttons type into the field");
      await page.locator("#pin-submit").click();
      await waitForAttribute(page, ".pin", "data-pin-step", "2");
      // A different second entry is refused and starts again.
      await page.locator("#pin-input").fill("2581");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#pin-error", "data-message-id", "pin-choose-mismatch");
      await pressDigits(page, "2580");
      await page.locator("#pin-submit").click();
      await page.locator("#pin-input").fill("2580");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#settings-app", "data-screen", "open");
      await page.locator("#settings-close").click();
      await waitForAttribute(page, "#settings-app", "data-screen", "enter-pin");
      await unlock(page, "2580");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("too short a PIN and a wrong PIN say so; after five wrong tries the wait is given in words", async () => {
    const { page, context, problems } = await openSettings({ pin: "4711" });
    try {
      assert.equal(await page.getAttribute("#settings-app", "data-screen"), "enter-pin");
      await page.locator("#pin-input").fill("12");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#pin-error", "data-message-id", "pin-bad-form");
      await page.locator("#pin-input").fill("1111");
      await page.keyboard.press("Enter");
      await waitForAttribute(page, "#pin-error", "data-message-id", "pin-wrong");
      assert.match(await textOf(page, "#pin-error"), /not right\. 4 more tries/);
      assert.equal(await page.getAttribute("#pin-input", "aria-invalid"), "true");
      for (let i = 0; i < 4; i += 1) {
        await page.locator("#pin-input").fill("1111");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => document.querySelector("#pin-input").value === "");
      }
      await waitForAttribute(page, "#pin-error", "data-message-id", "pin-wait");
      assert.match(await textOf(page, "#pin-error"), /wait 30 seconds/);
      // Even the right PIN waits now: nothing opens.
      await page.locator("#pin-input").fill("4711");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector("#pin-input").value === "");
      assert.equal(await page.getAttribute("#settings-app", "data-screen"), "enter-pin");
      assert.match(await textOf(page, "#pin-error"), /wait/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("services", () => {
  test("a wrong field is marked beside it and nothing typed is lost; the token goes to the keyring and is never shown", async () => {
    const { page, context, problems } = await openSettings({ pin: "4711" });
    try {
      await unlock(page);
      await page.locator("#profile-add").click();
      await page.selectOption("#profile-kind", "relay");
      await page.locator("#profile-field-name").fill("My bank");
      await page.locator("#profile-field-url").fill("http//bank.example");
      await page.locator("#profile-secret-token").fill("s3cret-token-value");
      await page.locator("#profile-save").click();
      await waitForAttribute(page, "#profile-field-url-error", "data-message-id", "field-error-not-a-url");
      assert.equal(await page.getAttribute("#profile-field-url", "aria-invalid"), "true");
      assert.match(await page.getAttribute("#profile-field-url", "aria-describedby"), /profile-field-url-error/);
      assert.equal(await page.inputValue("#profile-field-name"), "My bank");
      assert.equal(await page.inputValue("#profile-secret-token"), "s3cret-token-value", "the typed token stays");
      assert.equal(await page.getAttribute("#profile-secret-token", "type"), "password");
      await page.locator("#profile-field-url").fill("wss://bank.example/warmline");
      await page.locator("#profile-save").click();
      await waitForAttribute(page, "#settings-said", "data-message-id", "profile-saved");
      const stored = await fake(page, (f) => [...f.settings.secrets.entries()]);
      assert.equal(stored.length, 1);
      assert.match(stored[0][0], /^p-[0-9a-f]{8}\/token$/);
      assert.equal(stored[0][1], "s3cret-token-value");
      const html = await page.content();
      assert.ok(!html.includes("s3cret-token-value"), "the token is nowhere in the page");
      // Choose it, then the demo again.
      await page.locator('.profile[data-active="false"] .profile__use').click();
      await waitForAttribute(page, "#settings-said", "data-message-id", "profile-chosen");
      assert.equal((await fake(page, (f) => f.settings.settings())).activeProfile, stored[0][0].split("/")[0]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a locked password store is said beside the secret, and the typed secret stays", async () => {
    const { page, context } = await openSettings({ pin: "4711", keyring: "locked" });
    try {
      await unlock(page);
      await page.locator("#profile-add").click();
      await page.locator("#profile-field-url").fill("wss://bank.example/warmline");
      await page.locator("#profile-secret-token").fill("typed-token");
      await page.locator("#profile-save").click();
      await waitForAttribute(page, "#profile-secret-token-error", "data-message-id", "keyring-locked");
      assert.match(await textOf(page, "#profile-secret-token-error"), /password store is locked/);
      assert.equal(await page.inputValue("#profile-secret-token"), "typed-token");
    } finally {
      await context.close();
    }
  });

  test("check everything says each result in words, with what to do", async () => {
    const { page, context } = await openSettings({ pin: "4711" });
    try {
      await unlock(page);
      await page.locator("#check-button").click();
      await page.waitForSelector("#check-results .check");
      const failed = page.locator('#check-results .check[data-passed="false"]');
      assert.match(await failed.textContent(), /Needs attention.*Microphone: none found.*What to do: Plug in a microphone/s);
      assert.match(await textOf(page, "#check-summary"), /need attention/);
    } finally {
      await context.close();
    }
  });
});

describe("language and text size", () => {
  test("the language applies at once, without a reload", async () => {
    const { page, context, problems } = await openSettings({ pin: "4711" });
    try {
      await unlock(page);
      await page.evaluate(() => {
        window.__notReloaded = true;
      });
      await page.selectOption("#language-select", "zh-TW");
      await waitForAttribute(page, "#settings-app", "data-locale", "zh-TW");
      assert.equal(await textOf(page, ".settings__title"), "Warmline 設定");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-TW");
      assert.equal(await page.evaluate(() => window.__notReloaded), true);
      await page.selectOption("#language-select", "zh-CN");
      await waitForText(page, "#display-title", "语言和文字大小");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("at 300 % in a 480×600 window nothing is cut off: the area wraps and scrolls", async () => {
    const { page, context, problems } = await openSettings({ pin: "4711" }, { width: 480, height: 600 });
    try {
      await unlock(page);
      await page.selectOption("#text-size-select", "300");
      await page.waitForFunction(() => document.documentElement.style.getPropertyValue("--text-scale") === "3");
      await page.locator("#profile-add").click();
      const overflow = await page.evaluate(() => {
        const main = document.querySelector(".settings__main");
        const wide = [...document.querySelectorAll("button, input, select, label, h2, p, li")].filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.left < -0.5 || r.right > window.innerWidth + 0.5);
        });
        return {
          horizontal: main.scrollWidth > main.clientWidth + 1,
          wide: wide.map((el) => el.id || el.className || el.tagName),
          fontSize: parseFloat(getComputedStyle(document.querySelector("#display-title")).fontSize),
        };
      });
      assert.deepEqual(overflow.wide, [], "elements past the window's edge");
      assert.equal(overflow.horizontal, false);
      // 300 % of 24 px, capped by the window's width as the chat's messages are.
      assert.ok(overflow.fontSize >= 1.15 * 36, `headings follow the scale: ${overflow.fontSize}`);
      const title = await boxOf(page, ".settings__title");
      assert.ok(title.width > 100 && title.top >= 0, `the title is shown: ${JSON.stringify(title)}`);
      // The close button stays reachable in the top bar.
      const close = await boxOf(page, "#settings-close");
      assert.ok(close.bottom <= close.viewportHeight && close.right <= close.viewportWidth);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe("the chat window", () => {
  test("at 300 % in 480×800 the person button is whole, and the smaller Settings button is far from it", async () => {
    const { page, context, problems } = await openApp(env.browser, env.server.url, {
      query: { textScale: "3" },
      viewport: { width: 480, height: 800 },
    });
    try {
      const person = await boxOf(page, "#person-button");
      const settings = await boxOf(page, "#settings-button");
      for (const [what, box] of [
        ["person", person],
        ["settings", settings],
      ]) {
        assert.ok(box.left >= 0 && box.top >= 0 && box.right <= box.viewportWidth + 0.5 && box.bottom <= box.viewportHeight + 0.5, `${what}: ${JSON.stringify(box)}`);
      }
      assert.ok(settings.width * settings.height < (person.width * person.height) / 2, "Settings is much smaller than the person button");
      assert.ok(settings.top - person.bottom > 200, `Settings is well away from the person button: ${settings.top - person.bottom}px`);
      await page.locator("#settings-button").click();
      assert.equal(await fake(page, (f) => f.settings.openCalls()), 1);
      // In a window 600 px high the line gives its room to the conversation;
      // the person button stays whole.
      await page.setViewportSize({ width: 480, height: 600 });
      assert.equal(await page.locator("#settings-button").isVisible(), false);
      const small = await boxOf(page, "#person-button");
      assert.ok(small.top >= 0 && small.bottom <= small.viewportHeight && small.right <= small.viewportWidth, JSON.stringify(small));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("the elder's Bigger text button grows the text and keeps it in the settings", async () => {
    const { page, context } = await openApp(env.browser, env.server.url);
    try {
      await page.locator("#text-bigger-button").click();
      await waitForAttribute(page, "#app", "data-text-scale", "125");
      assert.deepEqual(await fake(page, (f) => f.settings.textScaleCalls()), [125]);
      await page.locator("#text-smaller-button").click();
      await waitForAttribute(page, "#app", "data-text-scale", "100");
      assert.equal(await page.locator("#text-smaller-button").isDisabled(), true, "never below the default");
    } finally {
      await context.close();
    }
  });

  test("a settings file Warmline could not use is explained in the chat, and the area names the wrong field", async () => {
    const { page, context } = await openApp(env.browser, env.server.url, { query: { settingsProblem: "damaged" } });
    try {
      assert.equal(await textOf(page, "#settings-problem"), "Warmline could not read its settings. Ask the person who set it up.");
      // The chat still works.
      await page.locator("#composer-input").fill("hello");
      await page.locator("#send-button").click();
      await page.waitForSelector('.message[data-author-kind="user"]');
    } finally {
      await context.close();
    }
    const area = await openSettings({ pin: "4711", settingsProblem: "invalid" });
    try {
      const field = area.page.locator('#settings-file-problem li[data-field="profiles[0].backend.url"]');
      assert.match(await field.textContent(), /profiles\[0\]\.backend\.url: This is not a web address/);
    } finally {
      await area.context.close();
    }
  });
});

describe("an automatic assistant in front of people", () => {
  test("the model's summary for the person is off until turned on, the second opinion on until turned off, both saved", async () => {
    const { page, context, problems } = await openSettings({ pin: "4711" });
    try {
      await unlock(page);
      await page.locator("#profile-add").click();
      await page.selectOption("#profile-kind", "tiered");
      await page.locator("#profile-field-name").fill("My shop");
      await page.locator("#profile-field-bot-baseUrl").fill("http://127.0.0.1:8080");
      await page.locator("#profile-field-bot-model").fill("smollm2");
      await page.locator("#profile-field-human-url").fill("wss://shop.example/warmline");
      const check = page.locator("#profile-field-bot-handoffSummary");
      assert.equal(await check.getAttribute("type"), "checkbox");
      assert.equal(await check.isChecked(), false, "off until the caregiver turns it on");
      assert.match(await textOf(page, 'label[for="profile-field-bot-handoffSummary"]'), /short summary for the person who takes over/);
      await page.locator('label[for="profile-field-bot-handoffSummary"]').click();
      assert.equal(await check.isChecked(), true, "its label turns it on");
      await page.locator("#profile-field-bot-summaryLanguage").fill("zh-CN");
      // The model's second opinion is on until the caregiver turns it off.
      const opinion = page.locator("#profile-field-bot-secondOpinion");
      assert.equal(await opinion.isChecked(), true, "the second opinion is on for a new profile");
      assert.match(await textOf(page, 'label[for="profile-field-bot-secondOpinion"]'), /whether the user wants a person/);
      await page.locator('label[for="profile-field-bot-secondOpinion"]').click();
      assert.equal(await opinion.isChecked(), false, "its label turns it off");
      await page.locator("#profile-save").click();
      await waitForAttribute(page, "#settings-said", "data-message-id", "profile-saved");
      const saved = (await fake(page, (f) => f.settings.settings())).profiles.find((p) => p.name === "My shop");
      assert.equal(saved.backend.kind, "tiered");
      assert.equal(saved.backend.bot.handoffSummary, true);
      assert.equal(saved.backend.bot.summaryLanguage, "zh-CN");
      assert.equal(saved.backend.bot.secondOpinion, false, "turned off, it is saved off");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
