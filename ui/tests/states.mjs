// The window's states, each reached the way a user (and the fake service)
// gets there. Shared by the accessibility audit, the reflow checks and the
// keyboard walk, so that each checks the same screens.
import { fake, goUnavailable, waitForAttribute } from "./helpers.mjs";

async function queued(page) {
  await page.locator("#person-button").click();
  await waitForAttribute(page, "#app", "data-handoff-state", "requested");
  await fake(page, (f) => f.advanceQueue());
  await waitForAttribute(page, "#app", "data-handoff-state", "queued");
}

/**
 * name → { query, reach(page) }: open the window with `query`, then
 * `reach` brings it into the state.
 */
export const STATES = {
  idle: { reach: async () => {} },
  queued: { reach: queued },
  connected: {
    reach: async (page) => {
      await queued(page);
      for (let i = 0; i < 3; i += 1) await fake(page, (f) => f.advanceQueue());
      await waitForAttribute(page, "#app", "data-handoff-state", "connected");
      await page.waitForFunction(() => document.querySelector("#transcript")?.textContent.includes("Mei"));
      // Mei's greeting too, so that the state no longer changes under a test.
      await page.waitForSelector('#transcript .message[data-author-kind="agent"]');
    },
  },
  unavailable: { reach: goUnavailable },
  "message-left": {
    reach: async (page) => {
      await goUnavailable(page);
      await page.locator("#leave-message-text").fill("Please call me about my bill.");
      await page.locator("#callback-phone").fill("012 345 6789");
      await page.locator("#leave-message-submit").click();
      await waitForAttribute(page, "#app", "data-handoff-state", "message-left");
    },
  },
  "voice-listening": {
    reach: async (page) => {
      await page.locator("#mic-button").click();
      await waitForAttribute(page, "#mic-button", "data-voice-state", "listening");
      await page.waitForSelector("#voice-level .voice-level__bar--on");
    },
  },
  // Not in the list, but screens a user meets: the person offered
  // after unhelpful answers, a message that could not be sent, no speech model.
  offered: {
    reach: async (page) => {
      for (const text of ["Can you fix my television?", "My television is broken"]) {
        await page.locator("#composer-input").fill(text);
        await page.locator("#send-button").click();
        await page.waitForFunction((t) => document.querySelector("#composer-input").value !== t, text);
      }
      await waitForAttribute(page, "#person-button", "data-offered", "true");
    },
  },
  "send-failed": {
    reach: async (page) => {
      await fake(page, (f) =>
        f.emit({
          kind: "messageAdded",
          message: {
            id: "u-failed",
            author: { kind: "user" },
            body: { kind: "text", text: "Where is my parcel?" },
            sentAt: Date.now(),
            delivery: "failed",
            failure: { code: "backendRejected", messageId: "error-backend-rejected", args: {} },
          },
        }),
      );
      await page.waitForSelector(".button--retry");
    },
  },
  "no-voice-model": {
    query: { voiceModel: "missing" },
    reach: async (page) => {
      await page.locator("#mic-button").click();
      await page.waitForSelector("#voice-download-button");
    },
  },
};
