//! Finding (or making) the venv with the pinned server, and the model file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the installer put things.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The venv's Python, with `llama_cpp.server` importable.
    pub python: PathBuf,
    /// `SmolLM2-135M-Instruct.Q4_1.gguf`, its SHA-256 checked.
    pub model: PathBuf,
}

/// Runs `install-model-server` (beside this crate's `Cargo.toml`) once per
/// process: it builds or finds the cached wheel, venv and model and prints
/// their paths. The first run on a machine compiles llama.cpp (minutes).
pub fn install() -> Result<Installed, String> {
    static INSTALLED: OnceLock<Result<Installed, String>> = OnceLock::new();
    INSTALLED.get_or_init(run_installer).clone()
}

fn run_installer() -> Result<Installed, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install-model-server");
    let output = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|error| format!("could not run {}: {error}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|value| PathBuf::from(value.trim()))
            .ok_or_else(|| format!("{} printed no {name}", script.display()))
    };
    let venv = field("venv=")?;
    let installed = Installed {
        python: venv.join("bin").join("python"),
        model: field("model=")?,
    };
    if !installed.python.exists() || !installed.model.exists() {
        return Err(format!("the installer's paths do not exist: {installed:?}"));
    }
    Ok(installed)
}
