// Shared by the UI tests: serves the built ui/dist on 127.0.0.1 and drives
// Debian's Chromium through playwright-core (no browser downloads).
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { after, before } from "node:test";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { installColour } from "./colour.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const UI_DIR = path.resolve(here, "..");
export const DIST_DIR = path.join(UI_DIR, "dist");
export const LOCALES_DIR = path.resolve(UI_DIR, "..", "locales");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** A tiny static file server for ui/dist on an ephemeral loopback port. */
export async function startServer(root = DIST_DIR) {
  await stat(path.join(root, "index.html")).catch(() => {
    throw new Error(`${root}/index.html is missing: run "npm run build" first`);
  });
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
      if (!file.startsWith(root)) {
        res.writeHead(403).end();
        return;
      }
      if (url.pathname.endsWith("/")) {
        file = path.join(file, "index.html");
      }
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function launchBrowser() {
  return chromium.launch({
    headless: true,
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Waits until the page has drawn two frames: by then what the last change set
 * off before paint (resize observers, scroll corrections) has run, so what a
 * test reads is what the reader saw painted, not a layout between two steps.
 */
export function settle(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Query parameters that make the fake backend quick and step-by-step. */
export const FAST = { replyDelayMs: "40", queueStepMs: "0" };

/**
 * Starts the static server and Chromium once for the calling test file and
 * stops them after it. Returns an object whose `server` and `browser` are
 * set once the file's tests run.
 */
export function useBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Opens the window in a fresh browser context. Resolves once the first
 * snapshot is shown unless `waitLoaded` is false. `problems` collects page
 * errors and the app's own console warnings (e.g. a missing Fluent message).
 * With `clock`, Playwright's fake clock is installed before the page loads
 * (time flows normally until the test moves it with page.clock).
 */
export async function openApp(browser, baseUrl, options = {}) {
  const { query = {}, viewport = { width: 1280, height: 800 }, waitLoaded = true, fast = true, clock = false } = options;
  const context = await browser.newContext({ viewport, reducedMotion: "no-preference" });
  context.setDefaultTimeout(5000);
  await context.addInitScript(installColour);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  if (clock) {
    await page.clock.install();
  }
  const params = new URLSearchParams({ ...(fast ? FAST : {}), ...query });
  await page.goto(`${baseUrl}?${params}`);
  if (waitLoaded) {
    await page.waitForSelector('#app[data-loaded="true"]');
  }
  return { page, context, problems };
}

/** Runs `fn(fake, arg)` in the page with window.__warmlineFake. */
export function fake(page, fn, arg) {
  return page.evaluate(
    ([source, value]) => {
      const f = new Function(`return (${source})`)();
      return f(window.__warmlineFake, value);
    },
    [fn.toString(), arg],
  );
}

/** Waits until the element's visible text contains `text`. */
export async function waitForText(page, selector, text, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([sel, expected]) => document.querySelector(sel)?.textContent.includes(expected) ?? false,
      [selector, text],
      { timeout },
    );
  } catch (error) {
    const actual = await page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
    throw new Error(`${selector} never contained ${JSON.stringify(text)}; it says ${JSON.stringify(actual)}`, {
      cause: error,
    });
  }
}

export async function waitForAttribute(page, selector, name, value, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([sel, attr, expected]) => document.querySelector(sel)?.getAttribute(attr) === expected,
      [selector, name, value],
      { timeout },
    );
  } catch (error) {
    const actual = await page.evaluate(([sel, attr]) => document.querySelector(sel)?.getAttribute(attr) ?? null, [
      selector,
      name,
    ]);
    throw new Error(`${selector}[${name}] never became ${JSON.stringify(value)}; it is ${JSON.stringify(actual)}`, {
      cause: error,
    });
  }
}

export function textOf(page, selector) {
  return page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
}

/** The bounding box of `selector` and the viewport size. */
export function boxOf(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {
      left: r.left,
      top: r.top,
      right: r.right,
      bottom: r.bottom,
      width: r.width,
      height: r.height,
      viewportWidth: document.documentElement.clientWidth,
      viewportHeight: document.documentElement.clientHeight,
    };
  }, selector);
}

/** The lines of the visible status panel. */
export function panelLines(page) {
  return page.locator("#handoff-panel p").allTextContents();
}

/** Nobody is available: after hours, the person button ends in "unavailable" with the form. */
export async function goUnavailable(page) {
  await fake(page, (f) => f.setAfterHours(true));
  await page.locator("#person-button").click();
  await waitForAttribute(page, "#app", "data-handoff-state", "unavailable");
  await page.waitForSelector("#leave-message-form");
}

/** Adds `count` text messages from the bot through the fake's event stream. */
export async function addBotMessages(page, count) {
  const before = await page.evaluate(() => document.querySelectorAll("#transcript .message").length);
  await fake(
    page,
    (f, n) => {
      for (let i = 1; i <= n; i += 1) {
        f.addMessage({ kind: "bot", name: "Sunny", demo: true }, `Test message number ${i}. It has a few words in it.`);
      }
    },
    count,
  );
  await page.waitForFunction((n) => document.querySelectorAll("#transcript .message").length >= n, before + count);
}

/** Formats Fluent messages in Node, to compare with what the window shows. */
/** The Fluent files the window reads for a locale: every .ftl but those Rust formats (the demo's replies, what goes to Chatwoot agents). */
export async function windowFluentFiles(locale) {
  const { readdir } = await import("node:fs/promises");
  const names = (await readdir(path.join(LOCALES_DIR, locale))).filter((n) => n.endsWith(".ftl") && n !== "demo.ftl" && n !== "chatwoot.ftl");
  return names.sort();
}

export async function loadFluent(locale) {
  const { FluentBundle, FluentResource } = await import("@fluent/bundle");
  const bundle = new FluentBundle(locale, { useIsolating: false });
  let source = "";
  for (const file of await windowFluentFiles(locale)) {
    const text = await readFile(path.join(LOCALES_DIR, locale, file), "utf8");
    const errors = bundle.addResource(new FluentResource(text));
    if (errors.length > 0) {
      throw new Error(`${locale}/${file}: ${errors.map((e) => e.message).join("; ")}`);
    }
    source += `\n${text}`;
  }
  const ids = [...source.matchAll(/^([a-z][a-z0-9-]*)\s*=/gm)].map((m) => m[1]);
  // The variables each message uses ($name, $position, …).
  const variables = Object.fromEntries(
    source.split(/\n(?=[a-z][a-z0-9-]*\s*=)/).flatMap((chunk) => {
      const id = /^([a-z][a-z0-9-]*)\s*=/.exec(chunk)?.[1];
      return id ? [[id, [...new Set([...chunk.matchAll(/\$([a-zA-Z][\w-]*)/g)].map((m) => m[1]))].sort()]] : [];
    }),
  );
  return {
    ids,
    variables(id) {
      return variables[id] ?? [];
    },
    format(id, args = {}) {
      const message = bundle.getMessage(id);
      if (!message?.value) throw new Error(`${locale}: no message ${id}`);
      const errs = [];
      const text = bundle.formatPattern(message.value, args, errs);
      if (errs.length > 0) throw new Error(`${locale}: ${id}: ${errs.map((e) => e.message).join("; ")}`);
      return text;
    },
  };
}
