// Screenshots of the built window with the fake backend, for looking at it:
//   node scripts/screenshot.mjs OUT.png [WIDTHxHEIGHT] [query] [scene]
// scene: "conversation" (default: a short exchange), "queued" (waiting for a
// person, plus a failed send), "connected" (talking to the demo agent),
// "offered" (the bot did not help twice; Warmline suggests a person),
// "unavailable" (nobody there: the leave-a-message form, partly filled in),
// "message-left" (the message was left; the reference is shown).
import { addBotMessages, fake, launchBrowser, openApp, startServer, waitForAttribute } from "../tests/helpers.mjs";

const [out = "/tmp/ui.png", size = "1280x800", query = "", scene = "conversation"] = process.argv.slice(2);
const [width, height] = size.split("x").map(Number);

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, problems } = await openApp(browser, server.url, {
    viewport: { width, height },
    query: Object.fromEntries(new URLSearchParams(query)),
  });
  await page.locator("#composer-input").fill("hello");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="bot"]').length >= 2);
  if (scene === "long") {
    await addBotMessages(page, 20);
  }
  if (scene === "queued" || scene === "connected") {
    await page.locator("#person-button").click();
    await fake(page, (f) => f.advanceQueue());
    await waitForAttribute(page, "#app", "data-handoff-state", "queued");
  }
  if (scene === "queued") {
    await fake(page, (f) =>
      f.failNextSend({ code: "backendUnreachable", messageId: "error-backend-unreachable", args: {} }),
    );
    await page.locator("#composer-input").fill("Is anybody there?");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#alert p");
  }
  if (scene === "offered") {
    for (const question of ["Can you fix my television?", "My television is broken"]) {
      await page.locator("#composer-input").fill(question);
      await page.keyboard.press("Enter");
    }
    await waitForAttribute(page, "#person-button", "data-offered", "true");
  }
  if (scene === "unavailable" || scene === "message-left") {
    await fake(page, (f) => f.setAfterHours(true));
    await page.locator("#person-button").click();
    await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
    await page.locator("#leave-message-text").fill("Please call me about my bill. It is too high this month.");
    await page.locator("#callback-phone").fill("555 0123");
  }
  if (scene === "message-left") {
    await page.locator("#callback-time").fill("tomorrow morning");
    await page.locator("#leave-message-submit").click();
    await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
  }
  if (scene === "connected") {
    for (let i = 0; i < 3; i += 1) await fake(page, (f) => f.advanceQueue());
    await page.waitForFunction(() => document.querySelectorAll('.message[data-author-kind="agent"]').length >= 1);
    await page.locator("#composer-input").fill("My bill is too high");
    await page.keyboard.press("Enter");
    await fake(page, (f) => f.emit({ kind: "typingChanged", typing: "Mei" }));
    await page.waitForSelector("#typing-indicator:not(:empty)");
    await page.waitForTimeout(20);
  }
  if (scene !== "unavailable" && scene !== "message-left") {
    await page.locator("#composer-input").fill("I would like to know");
  }
  // Let a scroll that follows the newest message settle.
  await page.waitForTimeout(50);
  await page.screenshot({ path: out });
  if (problems.length > 0) console.error(problems.join("\n"));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
