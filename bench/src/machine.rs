//! What the figures were measured on: CPU, cores, memory, load, toolchains.

use std::fs;
use std::process::Command;

/// A description of this machine, one `- ` line per fact.
pub(crate) fn describe() -> String {
    let facts = [
        ("CPU", cpu_model()),
        (
            "cores (nproc)",
            std::thread::available_parallelism().map_or("?".into(), |n| n.to_string()),
        ),
        ("memory", memory()),
        ("OS", os()),
        ("load average at start", load()),
        ("rustc", first_line("rustc", &["--version"])),
        ("Java", first_line("java", &["-version"])),
    ];
    facts.iter().map(|(k, v)| format!("- {k}: {v}\n")).collect()
}

/// The 1, 5 and 15 minute load averages.
pub(crate) fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

fn memory() -> String {
    let kib = fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?.to_string();
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    });
    kib.map_or("?".into(), |k| format!("{:.1} GiB", k as f64 / 1024.0 / 1024.0))
}

fn os() -> String {
    fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("PRETTY_NAME="))?.to_string();
            Some(line["PRETTY_NAME=".len()..].trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// The first line a tool prints about itself, on stdout or (Java) stderr.
fn first_line(tool: &str, args: &[&str]) -> String {
    let Ok(output) = Command::new(tool).args(args).output() else {
        return "not installed".into();
    };
    let text = [output.stdout, output.stderr].concat();
    String::from_utf8_lossy(&text).lines().next().unwrap_or("?").trim().to_string()
}
