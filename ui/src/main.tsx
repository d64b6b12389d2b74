import { render } from "preact";
import { loadBackend } from "./backend";
import { App } from "./components/App";
import { createLocalizer } from "./i18n";
import "./styles.css";
import { disablePageMenu } from "./pageMenu";
import { applyStartupTextScale } from "./textSize";

async function start(): Promise<void> {
  applyStartupTextScale();
  disablePageMenu();
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
