// Prints the heights of the window's parts at the sizes.
import { startServer, launchBrowser, openApp, fake } from "../tests/helpers.mjs";
const server = await startServer();
const browser = await launchBrowser();
const sizes = [[480,600,1],[800,600,1],[960,820,1],[800,600,3],[480,600,3],[800,600,2]];
for (const lang of ["en-US","zh-CN"]) for (const [w,h,s] of sizes) {
  const { page, context } = await openApp(browser, server.url, { viewport: { width: w, height: h }, query: { textScale: String(s), lang, voiceModel: "missing" } });
  const m = async (label) => {
    const r = await page.evaluate(() => {
      const q = (sel) => { const e = document.querySelector(sel); return e ? Math.round(e.getBoundingClientRect().height) : 0; };
      const fs = parseFloat(getComputedStyle(document.querySelector("#transcript")).fontSize);
      const lh = fs * 1.5;
      return { topbar: q(".topbar"), person: q("#person-button"), demo: q("#demo-banner"), handoff: q(".handoff"), log: q("#transcript"), lines: +(q("#transcript")/lh).toFixed(1), typing: q("#typing-indicator"), composer: q(".composer") };
    });
    console.log(lang, `${w}x${h}@${s}`, label, JSON.stringify(r));
  };
  await m("idle");
  await page.locator("#person-button").click();
  await fake(page, (f) => f.advanceQueue()); await fake(page, (f) => f.advanceQueue());
  await page.waitForTimeout(100);
  await m("queued");
  await context.close();
}
await browser.close(); await server.close();
