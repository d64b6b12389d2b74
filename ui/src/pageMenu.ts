// The webview's own page menu (Back, Reload, Inspect Element, in small
// English whatever the user's language) is of no use to the elder and can
// lose their place: a right click does nothing in the window.

/** Stops the page menu on right click; returns the function that allows it again. */
export function disablePageMenu(target: Pick<Window, "addEventListener" | "removeEventListener"> = window): () => void {
  const onContextMenu = (event: Event): void => {
    event.preventDefault();
  };
  target.addEventListener("contextmenu", onContextMenu);
  return () => {
    target.removeEventListener("contextmenu", onContextMenu);
  };
}
