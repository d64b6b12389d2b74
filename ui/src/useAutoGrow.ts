import { useLayoutEffect } from "preact/hooks";
import type { RefObject } from "preact";

/**
 * Lets a text box grow with its text, so that a long dictated sentence is
 * seen whole instead of scrolling out of sight at the top of a two-line box.
 * The stylesheet's `max-height` caps the growth (the conversation keeps its
 * room); beyond it the box scrolls as before. When the text fits the box's
 * own height the inline height is removed, so the stylesheet's sizes (one
 * line in a short window) stay in charge. WebKitGTK has no
 * `field-sizing: content`, hence the measuring.
 */
export function useAutoGrow(ref: RefObject<HTMLTextAreaElement | null>, value: string): void {
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) {
      return;
    }
    const fit = (): void => {
      box.style.removeProperty("height");
      // Chromium counts a wrapping placeholder in scrollHeight: an empty box
      // keeps the stylesheet's size.
      if (box.value === "") {
        return;
      }
      // scrollHeight leaves out the borders; the box is border-box.
      const style = getComputedStyle(box);
      const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
      if (box.scrollHeight > box.clientHeight) {
        box.style.height = `${box.scrollHeight + borders}px`;
      }
    };
    fit();
    window.addEventListener("resize", fit);
    return () => {
      window.removeEventListener("resize", fit);
    };
  }, [ref, value]);
}
