//! Medians, ratios and the printed table.

use std::fmt::Write as _;

use crate::programs::{Program, Sample};

/// Every sample, by program and by conversation (empty or long).
pub struct Results {
    messages: usize,
    samples: Vec<(Program, bool, Sample)>,
}

/// `12 ms`, or `-` for nothing.
pub fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1} ms"))
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// One line of the table: a figure of each program and, for Warmline, the
/// target it is held to.
struct Row {
    label: String,
    warmline: Option<f64>,
    bare: Option<f64>,
    chromium: Option<f64>,
    target: &'static str,
    met: Option<bool>,
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "-".into(),
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:+.1}", a - b),
        _ => "-".into(),
    }
}

impl Results {
    /// No samples yet; the long history has `messages` messages.
    pub fn new(messages: usize) -> Self {
        Self {
            messages,
            samples: Vec::new(),
        }
    }

    /// Keeps one run's figures.
    pub fn add(&mut self, program: Program, with_history: bool, sample: Sample) {
        self.samples.push((program, with_history, sample));
    }

    fn median_of(
        &self,
        program: Program,
        with_history: bool,
        figure: impl Fn(&Sample) -> Option<f64>,
    ) -> Option<f64> {
        median(
            self.samples
                .iter()
                .filter(|(p, h, _)| *p == program && *h == with_history)
                .filter_map(|(_, _, s)| figure(s))
                .collect(),
        )
    }

    fn row(
        &self,
        label: String,
        with_history: bool,
        figure: impl Fn(&Sample) -> Option<f64> + Copy,
    ) -> Row {
        Row {
            label,
            warmline: self.median_of(Program::Warmline, with_history, figure),
            // The bare window has no history: its empty figure is the floor.
            bare: self.median_of(Program::BareTauri, false, figure),
            chromium: self.median_of(Program::Chromium, with_history, figure),
            target: "",
            met: None,
        }
    }

    /// The table: medians of every figure, the differences and ratios, and
    /// each target met or missed.
    pub fn table(&self, rounds: usize, load_before: &str, load_after: &str) -> String {
        let n = self.messages;
        let start = |s: &Sample| Some(s.start_ms);
        let pss = |s: &Sample| Some(s.pss_mib());
        let new_message = |s: &Sample| s.new_message_ms;
        let key = |s: &Sample| s.key_ms;
        let navigation = |s: &Sample| s.start_split.navigation_ms;
        let dom_ready = |s: &Sample| s.start_split.dom_ready_ms;

        let start_targets = |mut row: Row| {
            row.target = "<= bare + 150 ms and <= 1.0x Chromium";
            row.met = match (row.warmline, row.bare, row.chromium) {
                (Some(w), Some(b), Some(c)) => Some(w <= b + 150.0 && w <= c),
                _ => None,
            };
            row
        };
        let pss_targets = |mut row: Row| {
            row.target = "<= bare + 40 MiB and <= 0.8x Chromium";
            row.met = match (row.warmline, row.bare, row.chromium) {
                (Some(w), Some(b), Some(c)) => Some(w <= b + 40.0 && w <= 0.8 * c),
                _ => None,
            };
            row
        };
        let key_target = |mut row: Row| {
            row.target = "<= 16.7 ms (one frame)";
            row.met = row.warmline.map(|w| w <= 16.7);
            row
        };

        let empty_start = self.median_of(Program::Warmline, false, start);
        let long_start = self.median_of(Program::Warmline, true, start);
        let chromium_extra = self
            .median_of(Program::Chromium, true, start)
            .zip(self.median_of(Program::Chromium, false, start))
            .map(|(l, e)| l - e);
        let open = Row {
            label: format!("opening {n} messages: start with them - empty (ms)"),
            warmline: long_start.zip(empty_start).map(|(l, e)| l - e),
            bare: None,
            chromium: chromium_extra,
            target: "<= 200 ms",
            met: long_start.zip(empty_start).map(|(l, e)| l - e <= 200.0),
        };

        let rows = [
            start_targets(self.row("cold start to typing, empty (ms)".into(), false, start)),
            self.row(
                "  of which: start to the page asked for, empty (ms)".into(),
                false,
                navigation,
            ),
            self.row(
                "  of which: start to the page's scripts run, empty (ms)".into(),
                false,
                dom_ready,
            ),
            pss_targets(self.row("PSS 5 s after ready, empty (MiB)".into(), false, pss)),
            start_targets(self.row(
                format!("cold start to typing, {n} messages (ms)"),
                true,
                start,
            )),
            open,
            pss_targets(self.row(
                format!("PSS 5 s after ready, {n} messages (MiB)"),
                true,
                pss,
            )),
            self.row(
                format!("new message painted at the end, {n} messages (ms)"),
                true,
                new_message,
            ),
            self.row(
                "new message painted at the end, empty (ms)".into(),
                false,
                new_message,
            ),
            key_target(self.row(
                format!("key press to painted character, {n} messages (ms)"),
                true,
                key,
            )),
            key_target(self.row(
                "key press to painted character, empty (ms)".into(),
                false,
                key,
            )),
        ];

        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nwarmline-bench: {rounds} rounds, alternating Warmline / bare Tauri / Chromium under one Xvfb; medians"
        );
        let _ = writeln!(
            out,
            "load average (1 5 15 min): {load_before} before, {load_after} after"
        );
        let _ = writeln!(
            out,
            "\n| figure | Warmline | bare Tauri | Chromium | Warmline - bare | Warmline / bare | Warmline / Chromium | target | met |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|---|");
        for row in &rows {
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                row.label,
                cell(row.warmline),
                cell(row.bare),
                cell(row.chromium),
                diff(row.warmline, row.bare),
                ratio(row.warmline, row.bare),
                ratio(row.warmline, row.chromium),
                row.target,
                met,
            );
        }
        out
    }
}
