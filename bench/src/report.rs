//! The markdown the harness prints: one table per part, then the targets.
//!
//! Figures are medians of the samples one run took; ratios are of those medians. The
//! targets are the issue's; a "no" is a finding to report, not a failure of the run.

use std::fmt::Write;
use std::time::Duration;

use crate::breakdown::Row;
use crate::compile::Build;
use crate::generation::Size;
use crate::generators::{Generators, Size as OutputSize};
use crate::measure::{ratio, show};
use crate::runtime::Mode;
use crate::tasks::Timing;

/// Everything one run measured; a part not run is `None`.
#[derive(Debug, Default)]
pub(crate) struct Results {
    pub(crate) machine: String,
    pub(crate) load_at_end: String,
    pub(crate) generation: Option<Vec<Size>>,
    pub(crate) tasks: Option<Result<Vec<Timing>, String>>,
    pub(crate) generators: Option<Generators>,
    pub(crate) runtime: Option<Vec<Mode>>,
    pub(crate) breakdown: Option<Vec<Row>>,
    pub(crate) instructions: Option<Result<crate::runtime::Instructions, String>>,
    pub(crate) compile: Option<Compile>,
}

/// The cold builds and the incremental rebuild.
#[derive(Debug)]
pub(crate) struct Compile {
    pub(crate) builds: Vec<Build>,
    pub(crate) incremental: Duration,
    pub(crate) skipped: Vec<String>,
}

/// The whole report.
pub(crate) fn render(r: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Machine\n\n{}- load average at end: {}\n", r.machine, r.load_at_end);
    if let Some(sizes) = &r.generation {
        out += &generation(sizes);
    }
    if let Some(tasks) = &r.tasks {
        out += &self::tasks(tasks, oag_time(r));
    }
    if let Some(g) = &r.generators {
        out += &generators(g, r.generation.as_deref());
    }
    if let Some(modes) = &r.runtime {
        out += &runtime(modes);
    }
    if let Some(rows) = &r.breakdown {
        out += &breakdown(rows);
    }
    if let Some(counted) = &r.instructions {
        out += &instructions(counted);
    }
    if let Some(c) = &r.compile {
        out += &compile(c);
    }
    out += &targets(r);
    out
}

fn oag_time(r: &Results) -> Option<Duration> {
    r.generators.as_ref()?.openapi_generator.as_ref().ok().map(|g| g.generation)
}

fn generation(sizes: &[Size]) -> String {
    let mut out = String::from(
        "### Generation (release build, in process)\n\n\
         | spec | operations | ours | per operation | formatting (est.) | raw progenitor + prettyplease | per operation | ours, lines | raw, lines |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for s in sizes {
        let (raw, raw_per_op, raw_lines) = match &s.raw {
            Ok((d, n, lines)) => {
                (samples(*d, *n), show(*d / s.operations as u32), lines.to_string())
            }
            Err(e) => (e.clone(), "-".into(), "-".into()),
        };
        let _ = writeln!(
            out,
            "| {}× | {} | {} | {} | {} ({:.0}%) | {raw} | {raw_per_op} | {} | {raw_lines} |",
            s.copies,
            s.operations,
            samples(s.ours, s.ours_samples),
            show(s.ours_per_op()),
            show(s.format),
            100.0 * s.format.as_secs_f64() / s.ours.as_secs_f64(),
            s.ours_lines,
        );
    }
    if let Some((ours, raw)) = growth(sizes) {
        let raw = raw.map_or("-".into(), |r| format!("{r:.2}×"));
        let _ = writeln!(
            out,
            "\nPer-operation time, largest size ÷ 10×: ours {ours:.2}×, raw progenitor {raw} \
             (1.00× is linear)."
        );
    }
    out + "\n"
}

/// Per-operation time at the largest size over that at 10×, ours and raw.
fn growth(sizes: &[Size]) -> Option<(f64, Option<f64>)> {
    let ten = sizes.iter().find(|s| s.copies == 10)?;
    let last = sizes.iter().max_by_key(|s| s.copies).filter(|s| s.copies > 10)?;
    let per = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let raw = last.raw_per_op().zip(ten.raw_per_op()).map(|(a, b)| per(a, b));
    Some((per(last.ours_per_op(), ten.ours_per_op()), raw))
}

fn samples(d: Duration, n: usize) -> String {
    if n == 1 { format!("{} (1 run)", show(d)) } else { show(d) }
}

fn tasks(tasks: &Result<Vec<Timing>, String>, oag: Option<Duration>) -> String {
    let mut out =
        String::from("### `cargo xtask` on an up-to-date tree (debug profile, binary built)\n\n");
    let timings = match tasks {
        Ok(t) => t,
        Err(why) => return out + &format!("Not measured: {why}.\n\n"),
    };
    out += "| command | through `cargo xtask` | binary alone | ÷ OpenAPI Generator |\n\
            | --- | ---: | ---: | ---: |\n";
    for t in timings {
        let vs = oag.map_or("-".into(), |o| ratio(t.via_cargo, o));
        let _ = writeln!(
            out,
            "| `cargo xtask {}` | {} | {} | {vs} |",
            t.command,
            show(t.via_cargo),
            show(t.binary)
        );
    }
    out + "\n"
}

fn generators(g: &Generators, sizes: Option<&[Size]>) -> String {
    let one = sizes.and_then(|s| s.iter().find(|s| s.copies == 1));
    let ours_time = one.map_or("-".into(), |s| format!("{} (release, in process)", show(s.ours)));
    let raw_time = one
        .and_then(|s| s.raw.as_ref().ok())
        .map_or("-".into(), |(d, _, _)| format!("{} (release, in process)", show(*d)));
    let mut out = format!(
        "### Generators on the vendored spec\n\n\
         Lines are all lines (code lines: neither blank nor only a `//` comment; doc comments \
         count as code). Per added operation: the {}× spec's lines less the vendored spec's, \
         over the {} operations it adds.\n\n\
         | generator | generation | lines | per added operation | notes |\n\
         | --- | ---: | ---: | ---: | --- |\n",
        g.copies, g.added_operations
    );
    let per_op = |s: &OutputSize| per_operation(s, g.added_operations);
    let _ = writeln!(
        out,
        "| ours (`codegen::generate`) | {ours_time} | {} | {} | plus {} hand-written lines of runtime |",
        g.ours.vendored,
        per_op(&g.ours),
        g.handwritten
    );
    let (raw_lines, raw_per_op) = match &g.raw {
        Ok(s) => (s.vendored.to_string(), per_op(s)),
        Err(e) => (e.clone(), "-".into()),
    };
    let _ = writeln!(
        out,
        "| raw progenitor 0.15.1 + prettyplease | {raw_time} | {raw_lines} | {raw_per_op} | after pointing each operation's error responses at one schema; needs `progenitor-client` |"
    );
    match &g.openapi_generator {
        Ok(o) => {
            let _ = writeln!(
                out,
                "| OpenAPI Generator {} (`-g rust --library reqwest`) | {} (CLI, JVM start included) | {} | {} | all of `src/` |",
                o.version,
                samples(o.generation, o.samples),
                o.size.vendored,
                per_op(&o.size)
            );
        }
        Err(why) => {
            let _ = writeln!(out, "| OpenAPI Generator | - | - | - | not measured: {why} |");
        }
    }
    out + "\n"
}

fn per_operation(size: &OutputSize, added: usize) -> String {
    let more = size.scaled - size.vendored;
    let per = |n: usize| n as f64 / added.max(1) as f64;
    format!("{:.0} ({:.0} code)", per(more.all), per(more.code))
}

fn runtime(modes: &[Mode]) -> String {
    let mut out = String::from(
        "### Runtime overhead (loopback HTTP/1.1 keep-alive server, release build)\n\n\
         | calls | SDK, per call | plain reqwest, per call | SDK ÷ reqwest | connections opened while measured (SDK / reqwest) |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
    );
    for m in modes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} / {} |",
            m.name,
            show(m.sdk),
            show(m.plain),
            ratio(m.sdk, m.plain),
            m.sdk_connections,
            m.plain_connections
        );
    }
    out + "\n"
}

fn breakdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "Where the difference goes (sequential; each row adds one of the SDK's habits to the one above):\n\n\
         | call | per call | ÷ plain reqwest |\n| --- | ---: | ---: |\n",
    );
    let Some(plain) = rows.first().map(|r| r.per_call) else { return out };
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            row.name,
            show(row.per_call),
            ratio(row.per_call, plain)
        );
    }
    out + "\n"
}

fn instructions(counted: &Result<crate::runtime::Instructions, String>) -> String {
    match counted {
        Ok(i) => format!(
            "Instructions per sequential call, client and server together, user space \
             (callgrind; the same on every run): SDK {}, plain reqwest {}, ratio {:.3}×.\n\n",
            i.sdk,
            i.plain,
            i.sdk as f64 / i.plain as f64
        ),
        Err(why) => format!("Instructions per call: not measured: {why}.\n\n"),
    }
}

fn compile(c: &Compile) -> String {
    let mut out = String::from(
        "### Compile cost (debug, cold target directory, warm cargo cache)\n\n\
         | build | cold | packages compiled | packages in `cargo tree -e normal` |\n\
         | --- | ---: | ---: | ---: |\n",
    );
    for b in &c.builds {
        let _ = writeln!(out, "| {} | {} | {} | {} |", b.name, show(b.cold), b.compiled, b.tree);
    }
    let _ = writeln!(
        out,
        "\nRebuild of `motherduck-api` after `touch motherduck-api/src/generated/api.rs`: {}.",
        show(c.incremental)
    );
    for s in &c.skipped {
        let _ = writeln!(out, "\nNot built: {s}.");
    }
    out + "\n"
}

fn targets(r: &Results) -> String {
    let mut rows = Vec::new();
    if let Some(sizes) = &r.generation {
        if let Some((ours, _)) = growth(sizes) {
            rows.push((
                "per-operation time, largest ÷ 10×, ≤ 2×".into(),
                format!("{ours:.2}×"),
                ours <= 2.0,
            ));
        }
        if let Some(s) = sizes.iter().find(|s| s.copies == 100) {
            rows.push((
                "100× under 2 s (release)".into(),
                show(s.ours),
                s.ours < Duration::from_secs(2),
            ));
        }
    }
    if let Some(Ok(timings)) = &r.tasks {
        if let Some(check) = timings.iter().find(|t| t.command == "check") {
            let ok = check.binary < Duration::from_millis(50);
            rows.push((
                "vendored spec under 50 ms as xtask runs it (debug, `xtask check` binary)".into(),
                show(check.binary),
                ok,
            ));
        }
        if let Some(oag) = oag_time(r) {
            for t in timings {
                let x = t.via_cargo.as_secs_f64() / oag.as_secs_f64();
                rows.push((
                    format!("`cargo xtask {}` ≤ 0.1× OpenAPI Generator", t.command),
                    format!("{x:.3}×"),
                    x <= 0.1,
                ));
            }
        }
    }
    if let Some(modes) = &r.runtime {
        for m in modes {
            let x = m.sdk.as_secs_f64() / m.plain.as_secs_f64();
            rows.push((format!("runtime ratio ≤ 1.05, {}", m.name), format!("{x:.3}"), x <= 1.05));
        }
    }
    if let Some(g) = &r.generators
        && let Ok(o) = &g.openapi_generator
    {
        let ours = g.ours.vendored.all;
        let theirs = o.size.vendored.all;
        rows.push((
            "generated lines below OpenAPI Generator's".into(),
            format!("{ours} vs {theirs}"),
            ours < theirs,
        ));
    }
    let mut out = String::from("### Targets\n\n| target | figure | met |\n| --- | ---: | --- |\n");
    for (name, figure, met) in rows {
        let _ = writeln!(out, "| {name} | {figure} | {} |", if met { "yes" } else { "no" });
    }
    out
}
