//! `warmline-bench`: Warmline, a bare Tauri window and Chromium side by side
//! (not a test; see the README and docs/PERFORMANCE.md).
//!
//! ```text
//! cargo build --release -p warmline -p warmline-bench
//! cargo run --release -p warmline-bench -- [--rounds 5] [--messages 10000]
//!     [--empty-only] [--variant LABEL=SPEC]...
//! ```
//!
//! `--variant old=app=PATH` runs another Warmline binary beside the main
//! one, `--variant cache=NAME=VALUE,...` the main one with more environment
//! variables (both can be combined); each is printed in a table of its own
//! against the main Warmline, for A/B comparisons on the same machine state.
//! `--empty-only` leaves out the runs with the long history.
//!
//! Everything runs under one Xvfb, one program after the other in
//! alternation (Warmline, bare Tauri, Chromium, Warmline, …), first with an
//! empty conversation and then with the long history, and every figure is
//! the median of the rounds. Memory is PSS summed over all of a program's
//! processes; times are read by the page's own clock (see `probes`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmline_e2e::{start_session_bus, start_xvfb, stop_group};

mod probes;
mod procs;
mod programs;
mod report;
mod seed;

use programs::{Program, Setup, Variant};

/// The repository, from this crate's place in it.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Options {
    rounds: usize,
    messages: usize,
    app: PathBuf,
    bare: PathBuf,
    dist: PathBuf,
    empty_only: bool,
    /// `--variant` as given, parsed once the main binary is known.
    variants: Vec<String>,
}

fn parse_options() -> Result<Options, String> {
    let here = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin_dir = here.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut options = Options {
        rounds: 5,
        messages: 10_000,
        app: bin_dir.join("warmline"),
        bare: bin_dir.join("bare-tauri"),
        dist: repository().join("ui/dist"),
        empty_only: false,
        variants: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rounds" => {
                options.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?
            }
            "--messages" => {
                options.messages = value()?.parse().map_err(|e| format!("--messages: {e}"))?;
            }
            "--app" => options.app = value()?.into(),
            "--bare" => options.bare = value()?.into(),
            "--dist" => options.dist = value()?.into(),
            "--empty-only" => options.empty_only = true,
            "--variant" => options.variants.push(value()?),
            "--help" | "-h" => {
                return Err(
                    "usage: warmline-bench [--rounds N] [--messages N] [--app PATH] \
                            [--bare PATH] [--dist DIR] [--empty-only] \
                            [--variant LABEL=app=PATH,NAME=VALUE,...]..."
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    for (what, path) in [
        (
            "the Warmline binary (--app; cargo build --release -p warmline)",
            &options.app,
        ),
        ("the bare Tauri binary (--bare)", &options.bare),
        (
            "the built UI (--dist; cd ui && npm run build)",
            &options.dist.join("index.html"),
        ),
    ] {
        if !path.is_file() {
            return Err(format!("{what} is missing: {}", path.display()));
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let variants: Vec<Variant> = match options
        .variants
        .iter()
        .map(|spec| Variant::parse(spec, &options.app))
        .collect()
    {
        Ok(variants) => variants,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some(missing) = variants.iter().find(|v| !v.app.is_file()) {
        eprintln!(
            "the binary of --variant {} is missing: {}",
            missing.label,
            missing.app.display()
        );
        return ExitCode::from(2);
    }
    let scratch = std::env::temp_dir().join(format!("warmline-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("creating the scratch directory");

    // One display and one session bus for every run.
    let (xvfb, display) = start_xvfb(&scratch);
    std::env::set_var("DISPLAY", &display);
    std::env::set_var("GDK_BACKEND", "x11");
    std::env::remove_var("WAYLAND_DISPLAY");
    let bus = start_session_bus(&scratch).map(|(child, address)| {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
        child
    });

    let seeded = scratch.join("seeded");
    let store = seed::seed_history(&seeded, options.messages).expect("seeding the long history");
    eprintln!(
        "seeded {} messages into {}",
        options.messages,
        store.display()
    );
    let ui_url = seed::serve(options.dist.clone()).expect("serving the built UI");

    let setup = Setup {
        app: options.app.clone(),
        bare: options.bare.clone(),
        ui_url,
        seeded,
        history: options.messages,
        scratch: scratch.clone(),
        ticks: procs::clock_ticks(),
        variants,
    };
    let mut programs = vec![Program::Warmline];
    programs.extend((0..setup.variants.len()).map(Program::Variant));
    programs.extend([Program::BareTauri, Program::Chromium]);
    let conversations: &[bool] = if options.empty_only {
        &[false]
    } else {
        &[false, true]
    };
    let load_before = procs::load_average();
    let mut results = report::Results::new(options.messages);
    for round in 1..=options.rounds {
        for &with_history in conversations {
            for &program in &programs {
                if with_history && program == Program::BareTauri {
                    continue; // a static page has no history to open
                }
                let sample = programs::run(program, with_history, &setup);
                eprintln!(
                    "round {round} {:<10} {:<7} start {:>7.0} ms (page asked at {}, scripts ran at {})  pss {:>6.1} MiB  new message {}  key {}",
                    setup.name(program),
                    if with_history { "history" } else { "empty" },
                    sample.start_ms,
                    report::ms(sample.start_split.navigation_ms),
                    report::ms(sample.start_split.dom_ready_ms),
                    sample.pss_mib(),
                    report::ms(sample.new_message_ms),
                    report::ms(sample.key_ms),
                );
                let parts: Vec<String> = sample
                    .pss_by_name
                    .iter()
                    .map(|(name, mib)| format!("{name} {mib:.1}"))
                    .collect();
                eprintln!("        PSS by program (MiB): {}", parts.join(", "));
                if !sample.marks.is_empty() {
                    let marks: Vec<String> = sample
                        .marks
                        .iter()
                        .map(|(name, ms)| format!("{} {ms:.0}", report::step_name(name)))
                        .collect();
                    eprintln!("        page marks (ms since start): {}", marks.join(", "));
                }
                results.add(program, with_history, sample);
            }
        }
    }
    let load_after = procs::load_average();
    print!(
        "{}",
        results.table(options.rounds, &load_before, &load_after)
    );
    print!("{}", results.page_table());
    for (index, variant) in setup.variants.iter().enumerate() {
        print!(
            "{}",
            results.variant_table(Program::Variant(index), &variant.label, conversations)
        );
    }

    stop_group(bus);
    stop_group(Some(xvfb));
    let _ = std::fs::remove_dir_all(&scratch);
    ExitCode::SUCCESS
}
