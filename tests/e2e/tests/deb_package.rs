//! The Debian package the Tauri bundler builds (`.ci/package-deb`): what it
//! declares and holds, checked with `dpkg-deb`, and its binary, extracted
//! into a scratch root as `dpkg` would install it, showing its window on the
//! demo backend.
//!
//! Needs `WARMLINE_E2E_DEB` (the `.deb`), plus what every e2e test needs
//! (`tauri-driver`, `WebKitWebDriver`, `Xvfb`); see `.ci/test`.

use std::path::{Path, PathBuf};
use std::process::Command;

use warmline_e2e::App;

/// The package named by `WARMLINE_E2E_DEB`; a missing one fails the test.
fn deb() -> PathBuf {
    let path = std::env::var_os("WARMLINE_E2E_DEB")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("WARMLINE_E2E_DEB is not set: build the package with `.ci/package-deb` (or run `.ci/test`)")
        });
    assert!(
        path.is_file(),
        "WARMLINE_E2E_DEB={} is not a file",
        path.display()
    );
    path
}

/// Runs `dpkg-deb OPTION DEB EXTRA...` and returns what it printed; a
/// failure fails the test.
fn dpkg_deb(option: &str, deb: &Path, extra: &[&str]) -> String {
    let output = Command::new("dpkg-deb")
        .arg(option)
        .arg(deb)
        .args(extra)
        .output()
        .expect("running dpkg-deb");
    assert!(
        output.status.success(),
        "dpkg-deb {option} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("dpkg-deb prints UTF-8")
}

/// The package's files unpacked under a fresh scratch root, as `dpkg -i`
/// would lay them out under `/`.
fn extracted(deb: &Path) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a scratch root");
    let status = Command::new("dpkg-deb")
        .arg("-x")
        .arg(deb)
        .arg(root.path())
        .status()
        .expect("running dpkg-deb -x");
    assert!(status.success(), "dpkg-deb -x failed");
    root
}

#[test]
fn the_package_declares_what_it_needs_and_holds_the_app_its_icons_and_menu_entry() {
    let deb = deb();
    let field = |name: &str| dpkg_deb("-f", &deb, &[name]).trim().to_owned();
    assert_eq!(field("Package"), "warmline");
    assert_eq!(field("Architecture"), "amd64");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    let depends = field("Depends");
    // The webview and GTK (the bundler's own), and what Warmline links
    // itself: ALSA (the microphone), D-Bus (the keyring), the C++ runtime
    // (whisper.cpp).
    for needed in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libasound2",
        "libdbus-1-3",
        "libstdc++6",
        "libc6",
    ] {
        assert!(
            depends.contains(needed),
            "Depends lacks {needed}: {depends}"
        );
    }
    assert!(!field("Description").is_empty());

    let listing = dpkg_deb("-c", &deb, &[]);
    for file in [
        "usr/bin/warmline",
        "usr/share/applications/Warmline.desktop",
        "usr/share/icons/hicolor/32x32/apps/warmline.png",
        "usr/share/icons/hicolor/128x128/apps/warmline.png",
        "usr/share/doc/warmline/copyright",
    ] {
        // The bundler writes entries as `usr/...` (dpkg-deb's own builds
        // write `./usr/...`): the entry is the last field of the line.
        assert!(
            listing.lines().any(|line| {
                let entry = line.split_whitespace().last().unwrap_or_default();
                entry.trim_start_matches("./") == file
            }),
            "{file} is not in the package:\n{listing}"
        );
    }

    let root = extracted(&deb);
    let desktop =
        std::fs::read_to_string(root.path().join("usr/share/applications/Warmline.desktop"))
            .expect("reading the desktop entry");
    for line in [
        "Name=Warmline",
        "Exec=warmline",
        "Icon=warmline",
        "Type=Application",
    ] {
        assert!(
            desktop.lines().any(|l| l == line),
            "the desktop entry lacks `{line}`:\n{desktop}"
        );
    }
    assert!(desktop.contains("Categories=Utility;"), "{desktop}");

    // Every library the binary needs is on this machine (whose packages
    // include those declared above).
    let ldd = Command::new("ldd")
        .arg(root.path().join("usr/bin/warmline"))
        .output()
        .expect("running ldd");
    let libraries = String::from_utf8_lossy(&ldd.stdout);
    assert!(ldd.status.success(), "ldd failed: {libraries}");
    assert!(
        !libraries.contains("not found"),
        "the installed binary misses libraries:\n{libraries}"
    );
}

#[test]
fn the_installed_binary_shows_its_window_on_the_demo() {
    let root = extracted(&deb());
    let binary = root.path().join("usr/bin/warmline");
    // App::launch starts the binary named by WARMLINE_E2E_APP; this test
    // binary runs alone in its process.
    std::env::set_var("WARMLINE_E2E_APP", &binary);
    let app = App::launch(&[]);
    app.wait_for("#composer-input");
    app.wait_for_text("[role=log]", "the demo's welcome", |text| {
        !text.trim().is_empty()
    });
    assert_eq!(app.driver.title().expect("the window title"), "Warmline");
    app.screenshot("installed-deb");
}
