import { useEffect, useMemo } from "preact/hooks";
import { createLocalizer, type Localizer } from "./i18n";

/**
 * The window's localizer, following the language the settings choose
 * (applied live, without a restart): the page's `lang` and title follow too.
 */
export function useWindowLanguage(initial: Localizer, requested: string | undefined, titleId: string): Localizer {
  const t = useMemo(
    () => (requested === undefined || requested === initial.locale ? initial : createLocalizer(requested)),
    [initial, requested],
  );
  useEffect(() => {
    document.documentElement.lang = t.locale;
    document.title = t.format(titleId);
  }, [t, titleId]);
  return t;
}
