//! Finding (or making) the venv with the pinned Synapse.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The venv's Python, installing Synapse first when the cache lacks it.
///
/// `WARMLINE_SYNAPSE_VENV` names a ready venv to use instead (nothing is
/// installed then). Otherwise `install-synapse` (beside this crate's
/// `Cargo.toml`) finds or builds the cached venv; it runs once per process.
pub fn synapse_python() -> Result<PathBuf, String> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = match std::env::var_os("WARMLINE_SYNAPSE_VENV") {
                Some(venv) => PathBuf::from(venv),
                None => run_installer()?,
            };
            let python = venv.join("bin").join("python");
            if python.exists() {
                Ok(python)
            } else {
                Err(format!("{} has no bin/python", venv.display()))
            }
        })
        .clone()
}

fn run_installer() -> Result<PathBuf, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install-synapse");
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
    let venv = stdout
        .lines()
        .last()
        .ok_or_else(|| format!("{} printed no venv path", script.display()))?;
    Ok(PathBuf::from(venv.trim()))
}
