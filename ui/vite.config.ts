import { defineConfig } from "vite";

// Warmline's web front end. `npm run build` writes ui/dist, which the Tauri
// shell loads from disk, hence the relative base.
export default defineConfig({
  base: "./",
  // Preact's automatic JSX runtime (Vite 8 transforms TSX with oxc).
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 (Windows), WebKitGTK (Linux) and WKWebView (macOS).
    target: ["es2022", "chrome105", "safari15"],
    // Two pages: the elder's chat (index.html) and the caregiver's
    // settings window (settings.html), each its own Tauri window.
    rollupOptions: {
      input: { main: "index.html", settings: "settings.html" },
    },
  },
  server: {
    // The Fluent files live in ../locales (shared with the Rust side).
    fs: { allow: [".."] },
    port: 1420,
    strictPort: true,
  },
  clearScreen: false,
});
