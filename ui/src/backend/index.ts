import type { WarmlineBackend } from "./types";

/**
 * Inside the Tauri shell the window talks to the Rust engine; in a plain
 * browser (`npm run dev`, the UI tests) it talks to the in-browser fake.
 */
export async function loadBackend(): Promise<WarmlineBackend> {
  if ("__TAURI_INTERNALS__" in window) {
    const { createTauriBackend } = await import("./tauri");
    return createTauriBackend();
  }
  const { createFakeBackend } = await import("./fake");
  return createFakeBackend(new URLSearchParams(window.location.search));
}
