//! Processes from `/proc`: which one a program started as, when it started,
//! and the memory it and its children hold (PSS, so pages shared between
//! them are counted once, not once per process as RSS would).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// One process.
#[derive(Debug, Clone)]
pub struct Proc {
    /// Its id.
    pub pid: u32,
    /// Its parent's id.
    pub ppid: u32,
    /// When it started, in clock ticks since boot.
    pub start_ticks: u64,
    /// Its executable, when readable.
    pub exe: Option<PathBuf>,
}

/// `(ppid, starttime)` from the text of `/proc/<pid>/stat`. The command
/// name (in parentheses) may contain spaces and parentheses, so the fields
/// are counted from its closing parenthesis.
pub fn parse_stat(stat: &str) -> Option<(u32, u64)> {
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 (state) is fields[0]; ppid is field 4, starttime field 22.
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

/// Every process that can be read now.
pub fn all() -> Vec<Proc> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let (ppid, start_ticks) = parse_stat(&stat)?;
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            Some(Proc {
                pid,
                ppid,
                start_ticks,
                exe,
            })
        })
        .collect()
}

/// The newest process running `exe` whose parent does not run it too: the
/// first process of the most recently started instance of the program.
pub fn newest_root(exe: &Path) -> Option<Proc> {
    let procs = all();
    let runs = |p: &Proc| p.exe.as_deref() == Some(exe);
    procs
        .iter()
        .filter(|p| runs(p))
        .filter(|p| {
            !procs
                .iter()
                .any(|parent| parent.pid == p.ppid && runs(parent))
        })
        .max_by_key(|p| p.start_ticks)
        .cloned()
}

/// `root` and every process below it.
pub fn tree(root: u32) -> Vec<u32> {
    let procs = all();
    let mut found = vec![root];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(procs.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
        next += 1;
    }
    found
}

/// The `Pss:` figure (KiB) of a `smaps_rollup` text.
pub fn parse_pss_kib(smaps_rollup: &str) -> Option<u64> {
    smaps_rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// PSS of `root` and every process below it by program name (`comm`, e.g.
/// `warmline`, `WebKitWebProces`), in MiB, largest first: where the memory is.
pub fn tree_pss_by_name(root: u32) -> Vec<(String, f64)> {
    let mut by_name: Vec<(String, f64)> = Vec::new();
    for pid in tree(root) {
        let Some(kib) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .ok()
            .and_then(|text| parse_pss_kib(&text))
        else {
            continue;
        };
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|name| name.trim().to_owned())
            .unwrap_or_else(|_| pid.to_string());
        match by_name.iter_mut().find(|(known, _)| *known == name) {
            Some((_, mib)) => *mib += kib as f64 / 1024.0,
            None => by_name.push((name, kib as f64 / 1024.0)),
        }
    }
    by_name.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_name
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default()
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux when unknown).
pub fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100)
}

/// When `proc` started, in milliseconds since the Unix epoch: the boot time
/// (now minus `/proc/uptime`) plus its start in ticks. Good to one tick
/// (10 ms) each way.
pub fn start_epoch_ms(proc: &Proc, ticks_per_second: u64) -> f64 {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or_default();
    let boot = now_epoch_ms() - uptime * 1000.0;
    boot + proc.start_ticks as f64 * 1000.0 / ticks_per_second as f64
}

/// The machine's load average over 1, 5 and 15 minutes, as `/proc/loadavg`
/// gives it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parent_and_the_start_past_a_name_with_spaces() {
        let stat = "4242 (Web Content (x)) S 17 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10";
        assert_eq!(parse_stat(stat), Some((17, 987_654)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn reads_pss_from_smaps_rollup() {
        let text = "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss: 2048 kB\nPss: 1536 kB\nPss_Anon: 10 kB\n";
        assert_eq!(parse_pss_kib(text), Some(1536));
        assert_eq!(parse_pss_kib("Rss: 1 kB"), None);
    }

    #[test]
    fn this_process_is_its_own_tree_root_and_holds_memory() {
        let me = std::process::id();
        assert!(tree(me).contains(&me));
        assert!(tree_pss_by_name(me).iter().any(|(_, mib)| *mib > 0.0));
    }
}
