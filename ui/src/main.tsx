import { render } from "preact";
import { loadBackend } from "./backend";
import { App } from "./components/App";
import { createLocalizer } from "./i18n";
import "./styles.css";

/** Text sizes a caregiver may choose; 1 is the (already large) default. */
const MIN_TEXT_SCALE = 1;
const MAX_TEXT_SCALE = 3;

/** Sets the --text-scale custom property from ?textScale=N (used by tests). */
function applyTextScaleFromUrl(): void {
  const raw = new URLSearchParams(window.location.search).get("textScale");
  if (raw === null) {
    return;
  }
  const scale = Number(raw);
  if (Number.isFinite(scale) && scale > 0) {
    const clamped = Math.min(MAX_TEXT_SCALE, Math.max(MIN_TEXT_SCALE, scale));
    document.documentElement.style.setProperty("--text-scale", String(clamped));
  }
}

async function start(): Promise<void> {
  applyTextScaleFromUrl();
  const root = document.getElementById("root");
  if (!root) {
    return;
  }
  const backend = await loadBackend();
  let requested = navigator.language;
  try {
    requested = (await backend.appInfo()).locale;
  } catch (reason) {
    console.warn("warmline: appInfo failed; using the system language", reason);
  }
  const t = createLocalizer(requested);
  document.documentElement.lang = t.locale;
  document.title = t.format("app-title");
  render(<App backend={backend} t={t} />, root);
}

void start();
