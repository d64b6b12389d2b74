import { useEffect, useLayoutEffect, useRef } from "preact/hooks";

/**
 * When the element behind `goneRef` disappears (`shown` turns false) while it
 * has the focus, the focus goes to `fallbackRef` instead of getting lost on
 * the page body.
 */
export function useFocusFallback(
  shown: boolean,
  goneRef: { readonly current: HTMLElement | null },
  fallbackRef: { readonly current: HTMLElement | null },
): void {
  const hadFocusRef = useRef(false);
  useEffect(() => {
    function onFocusIn(event: FocusEvent): void {
      hadFocusRef.current = event.target !== null && event.target === goneRef.current;
    }
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("focusin", onFocusIn);
    };
  }, [goneRef]);
  useLayoutEffect(() => {
    if (!shown && hadFocusRef.current) {
      hadFocusRef.current = false;
      const active = document.activeElement;
      if (active === null || active === document.body) {
        fallbackRef.current?.focus();
      }
    }
  }, [shown, fallbackRef]);
}
