//! WebKitGTK settings for the chat window. It shows one local document for
//! the whole run, so WebKit's caches for browsing (earlier pages kept for
//! going back, resources kept for other pages) can only hold memory. Each
//! setting was measured on its own (docs/PERFORMANCE.md, "WebKit
//! settings"): none moved the PSS 5 s after the start beyond the noise, so
//! only these two are kept, as what a single-document viewer is meant to
//! run with. Turning media off (the page has none: the microphone is read
//! by the app and replies are spoken by the system's speech engine) delayed
//! the page by 0.3-0.7 s in 4 of 5 runs, so it is left on; hardware
//! acceleration is left as WebKit chooses, since turning it off changes how
//! the page is drawn.

/// Set to `1` by the benchmark alone (`warmline-bench --variant`) to start
/// with WebKit's own defaults, for measuring what the settings below do.
pub const BENCH_DEFAULTS_VARIABLE: &str = "WARMLINE_BENCH_WEBKIT_DEFAULTS";

/// Which settings are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// `CacheModel::DocumentViewer`: the smallest memory and disk caches.
    pub document_viewer_cache: bool,
    /// No page cache (the back/forward cache of whole earlier pages).
    pub no_page_cache: bool,
}

impl Tuning {
    /// The settings the window runs with; `var` reads the environment.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Tuning {
        let on = var(BENCH_DEFAULTS_VARIABLE).is_none_or(|value| value.trim() != "1");
        Tuning {
            document_viewer_cache: on,
            no_page_cache: on,
        }
    }
}

/// Applies [`Tuning::from_env`] to the window labelled `label`, if it
/// exists.
pub fn tune(app: &tauri::App, label: &str) {
    use tauri::Manager as _;
    let Some(window) = app.get_webview_window(label) else {
        return;
    };
    let tuning = Tuning::from_env(|name| std::env::var(name).ok());
    let result = window.with_webview(move |webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{CacheModel, SettingsExt as _, WebContextExt as _, WebViewExt};
            let view = webview.inner();
            if tuning.document_viewer_cache {
                if let Some(context) = view.context() {
                    context.set_cache_model(CacheModel::DocumentViewer);
                }
            }
            if tuning.no_page_cache {
                if let Some(settings) = WebViewExt::settings(&view) {
                    settings.set_enable_page_cache(false);
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            // WebView2 and WKWebView have no such settings to turn.
            let _ = (webview, tuning);
        }
    });
    if let Err(error) = result {
        tracing::warn!(%error, "could not tune the web view");
    }
}

#[cfg(test)]
mod tests {
    use super::{Tuning, BENCH_DEFAULTS_VARIABLE};

    #[test]
    fn the_settings_apply_unless_the_benchmark_asks_for_webkit_defaults() {
        let all = Tuning::from_env(|_| None);
        assert!(all.document_viewer_cache && all.no_page_cache);
        let other = Tuning::from_env(|_| Some("0".into()));
        assert_eq!(other, all);
        let defaults =
            Tuning::from_env(|name| (name == BENCH_DEFAULTS_VARIABLE).then(|| "1".into()));
        assert!(!defaults.document_viewer_cache && !defaults.no_page_cache);
    }
}
