import { useEffect, useState } from "preact/hooks";

/** Whether the CSS media query matches now; follows changes of the window size. */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = (): void => {
      setMatches(list.matches);
    };
    onChange();
    list.addEventListener("change", onChange);
    return () => {
      list.removeEventListener("change", onChange);
    };
  }, [query]);
  return matches;
}

/** A short or narrow window: the one-line forms of the text box's hint and the demo notice. */
export const SMALL_WINDOW = "(max-height: 700px), (max-width: 600px)";
