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

/// The page marks' steps in the order the window takes them, and what
/// each is called in the table (ui/src/startMarks.ts).
const STEPS: [(&str, &str); 7] = [
    ("warmline-start-script", "scripts run"),
    ("warmline-start-backend", "backend loaded"),
    ("warmline-start-locale", "language in (appInfo)"),
    ("warmline-start-render", "first render"),
    ("warmline-start-subscribed", "events subscribed"),
    ("warmline-start-snapshot", "snapshot in"),
    ("warmline-interactive", "interactive"),
];

/// A mark's short name in the per-run line: `warmline-start-locale` →
/// `locale`, `warmline-interactive` → `interactive`.
pub fn step_name(mark: &str) -> &str {
    mark.strip_prefix("warmline-start-")
        .or_else(|| mark.strip_prefix("warmline-"))
        .unwrap_or(mark)
}

/// How a figure is read from one run, for the variant table.
type Figure = Box<dyn Fn(&Sample) -> Option<f64>>;

fn mark_of(sample: &Sample, name: &str) -> Option<f64> {
    sample
        .marks
        .iter()
        .find(|(mark, _)| mark == name)
        .map(|(_, ms)| *ms)
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

    /// The page's start step by step (median ms since the program's first
    /// process started, and the step's own share: from the step before),
    /// for Warmline and for Chromium showing the same UI, empty
    /// conversation.
    pub fn page_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nThe page's start, empty conversation (median ms since the program's first process started; + from the step before)\n"
        );
        let _ = writeln!(out, "| step | Warmline | + | Chromium | + |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        let dom = |s: &Sample| s.start_split.dom_ready_ms;
        let nav = |s: &Sample| s.start_split.navigation_ms;
        let mut before = [
            self.median_of(Program::Warmline, false, nav),
            self.median_of(Program::Chromium, false, nav),
        ];
        let mut rows: Vec<(String, [Option<f64>; 2])> = vec![("page asked for".into(), before)];
        rows.push((
            "DOM content loaded".into(),
            [
                self.median_of(Program::Warmline, false, dom),
                self.median_of(Program::Chromium, false, dom),
            ],
        ));
        for (mark, label) in STEPS {
            rows.push((
                label.into(),
                [
                    self.median_of(Program::Warmline, false, |s| mark_of(s, mark)),
                    self.median_of(Program::Chromium, false, |s| mark_of(s, mark)),
                ],
            ));
        }
        for (label, values) in rows {
            let step = |i: usize| match (values[i], before[i]) {
                (Some(v), Some(b)) => format!("{:+.1}", v - b),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {} | {} |",
                cell(values[0]),
                step(0),
                cell(values[1]),
                step(1)
            );
            for i in 0..2 {
                if values[i].is_some() {
                    before[i] = values[i];
                }
            }
        }
        out
    }

    /// A `--variant` against the main Warmline: the start and its split,
    /// the page marks and PSS by program (medians).
    pub fn variant_table(&self, variant: Program, label: &str, conversations: &[bool]) -> String {
        let mut out = String::new();
        for &with_history in conversations {
            let _ = writeln!(
                out,
                "\nWarmline and Warmline ({label}), {} conversation (medians)\n",
                if with_history { "long" } else { "empty" }
            );
            let _ = writeln!(
                out,
                "| figure | Warmline | Warmline ({label}) | difference | ratio |"
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|");
            let mut figures: Vec<(String, Figure)> = vec![
                (
                    "cold start to typing (ms)".into(),
                    Box::new(|s| Some(s.start_ms)),
                ),
                (
                    "  page asked for (ms)".into(),
                    Box::new(|s| s.start_split.navigation_ms),
                ),
                (
                    "  DOM content loaded (ms)".into(),
                    Box::new(|s| s.start_split.dom_ready_ms),
                ),
            ];
            for (mark, step) in STEPS {
                figures.push((
                    format!("  {step} (ms)"),
                    Box::new(move |s| mark_of(s, mark)),
                ));
            }
            figures.push((
                "PSS, all processes (MiB)".into(),
                Box::new(|s| Some(s.pss_mib())),
            ));
            let mut names: Vec<String> = Vec::new();
            for (p, h, s) in &self.samples {
                if *h == with_history && (*p == Program::Warmline || *p == variant) {
                    for (name, _) in &s.pss_by_name {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                }
            }
            for name in names {
                figures.push((
                    format!("  PSS {name} (MiB)"),
                    Box::new(move |s| {
                        Some(
                            s.pss_by_name
                                .iter()
                                .find(|(n, _)| *n == name)
                                .map_or(0.0, |(_, mib)| *mib),
                        )
                    }),
                ));
            }
            figures.push((
                "new message painted (ms)".into(),
                Box::new(|s| s.new_message_ms),
            ));
            figures.push((
                "key press to painted character (ms)".into(),
                Box::new(|s| s.key_ms),
            ));
            for (figure, value) in &figures {
                let a = self.median_of(Program::Warmline, with_history, value);
                let b = self.median_of(variant, with_history, value);
                let _ = writeln!(
                    out,
                    "| {figure} | {} | {} | {} | {} |",
                    cell(a),
                    cell(b),
                    diff(b, a),
                    ratio(b, a)
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{step_name, STEPS};

    /// The table's steps are the page's: every `StartStep` of
    /// ui/src/startMarks.ts, in its order, then the interactive mark.
    #[test]
    fn the_steps_are_the_ones_the_page_marks() {
        let source = std::fs::read_to_string(crate::repository().join("ui/src/startMarks.ts"))
            .expect("reading ui/src/startMarks.ts");
        let page: Vec<&str> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("| \""))
            .filter_map(|rest| rest.split('"').next())
            .collect();
        let ours: Vec<&str> = STEPS.iter().map(|(mark, _)| step_name(mark)).collect();
        assert_eq!(ours[..ours.len() - 1], page[..]);
        assert_eq!(ours.last(), Some(&"interactive"));
    }
}
