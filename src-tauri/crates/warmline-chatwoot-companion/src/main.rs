//! `warmline-chatwoot-companion`: see README.md. Configuration comes from
//! the environment; the bot token is never printed.

use tracing_subscriber::EnvFilter;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match warmline_chatwoot_companion::Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("warmline-chatwoot-companion: {error} (see README.md)");
            return std::process::ExitCode::from(2);
        }
    };
    match warmline_chatwoot_companion::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("warmline-chatwoot-companion: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
