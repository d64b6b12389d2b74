// The settings window's page (settings.html): the caregiver's area, in a
// window of its own so that its commands are granted to it alone.
import { render } from "preact";
import { loadBackend } from "./backend";
import { createLocalizer } from "./i18n";
import "./styles.css";
import "./settings.css";
import { disablePageMenu } from "./pageMenu";
import { SettingsApp } from "./screens/settings/SettingsApp";
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
  document.title = t.format("settings-title");
  render(<SettingsApp backend={backend} t={t} />, root);
}

void start();
