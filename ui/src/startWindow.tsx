// What every window's page does first: the text size and page menu as the
// settings say, the backend, the user's language, then the window's own
// root component.
import { render, type ComponentChild } from "preact";
import { loadBackend } from "./backend";
import type { WarmlineBackend } from "./backend/types";
import { createLocalizer, type Localizer } from "./i18n";
import { disablePageMenu } from "./pageMenu";
import { markStart } from "./startMarks";
import { applyStartupTextScale } from "./textSize";

/**
 * Starts a window: `titleId` is the Fluent id of its title; `view` is
 * given the backend as soon as it is there, before the language is asked
 * for, so that it can start its own first requests alongside (they are
 * serial round trips to the app otherwise), and returns what builds its
 * root from the localizer.
 */
export async function startWindow(
  titleId: string,
  view: (backend: WarmlineBackend) => (t: Localizer) => ComponentChild,
): Promise<void> {
  markStart("script");
  applyStartupTextScale();
  disablePageMenu();
  const root = document.getElementById("root");
  if (!root) {
    return;
  }
  const backend = await loadBackend();
  markStart("backend");
  const build = view(backend);
  let requested = navigator.language;
  try {
    requested = (await backend.appInfo()).locale;
  } catch (reason) {
    console.warn("warmline: appInfo failed; using the system language", reason);
  }
  markStart("locale");
  const t = createLocalizer(requested);
  document.documentElement.lang = t.locale;
  document.title = t.format(titleId);
  render(build(t), root);
  markStart("render");
}
