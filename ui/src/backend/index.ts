import { createTauriBackend } from "./tauri";
import type { WarmlineBackend } from "./types";

/**
 * Inside the Tauri shell the window talks to the Rust engine; in a plain
 * browser (`npm run dev`, the UI tests) it talks to the in-browser fake.
 * The Tauri half is imported statically so that it arrives with the page's
 * other modules instead of as one more request after they have run (a
 * serial round trip through the app's main thread at every start); the
 * fake stays a chunk of its own, which the shipped app never loads.
 */
export async function loadBackend(): Promise<WarmlineBackend> {
  if ("__TAURI_INTERNALS__" in window) {
    return createTauriBackend();
  }
  const { createFakeBackend } = await import("./fake");
  return createFakeBackend(new URLSearchParams(window.location.search));
}
