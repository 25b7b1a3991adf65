//! `cargo xtask diff` and the report `cargo xtask regenerate` prints, run as processes on
//! a temporary copy of the workspace.

mod support;

use std::process::Command;

use support::{Tree, VERSION, breaks, grows, pretty};

#[test]
fn diff_of_two_files_prints_one_line_per_change_then_the_semver_line() {
    let tree = Tree::copy("diff-two");
    let old = tree.file("old.json", &pretty(&grows()));
    let new = tree.file("new.json", &pretty(&breaks()));

    let run = tree.xtask(&["diff", &old, &new]).expect(0);

    let lines = run.lines();
    let (semver, changes) = lines.split_last().unwrap();
    assert_eq!(*semver, format!("semver: breaking change, bump motherduck-api {VERSION} -> 0.5.0"));
    // grows -> breaks: users-get and `description` go, read_only goes twice, ttl tightens.
    assert_eq!(changes.len(), 5, "{}", run.stdout);
    for line in changes {
        assert!(line.starts_with("breaking   "), "{line}");
    }
    assert!(
        changes.contains(&"breaking   GET /v1/users/{username} (users-get): operation removed"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_of_one_file_compares_the_working_tree_spec_with_it() {
    let tree = Tree::copy("diff-one");
    let new = tree.file("grows.json", &pretty(&grows()));

    let run = tree.xtask(&["diff", &new]).expect(0);

    assert_eq!(run.lines().len(), 3, "{}", run.stdout);
    assert!(run.stdout.starts_with("compatible GET /v1/users/{username} (users-get)"));
    assert!(run.stdout.ends_with(&format!("bump motherduck-api {VERSION} -> 0.4.3\n")));
}

#[test]
fn diff_without_arguments_compares_the_committed_spec_with_the_working_tree() {
    let tree = Tree::copy("diff-head");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=xtask", "-c", "user.email=xtask@localhost"])
            .args(args)
            .current_dir(&tree.root)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "--quiet"]);
    git(&["add", "openapi/motherduck.json"]);
    git(&["commit", "--quiet", "-m", "vendored spec"]);
    tree.write("openapi/motherduck.json", &pretty(&breaks()));

    let run = tree.xtask(&["diff"]).expect(0);

    assert_eq!(run.lines().len(), 4, "{}", run.stdout);
    assert!(run.stdout.contains("response field `read_only` removed"), "{}", run.stdout);
}

#[test]
fn diff_of_a_spec_with_itself_reports_no_change_and_no_bump() {
    let tree = Tree::copy("diff-same");
    // Reformatted, so the bytes differ but the documents do not.
    let same = serde_json::to_vec(&support::vendored()).unwrap();
    let same = tree.file("same.json", &same);

    let run = tree.xtask(&["diff", &same]).expect(0);

    assert_eq!(run.stdout, "no API changes\n");
}

#[test]
fn diff_of_a_file_that_is_not_json_fails_naming_it() {
    let tree = Tree::copy("diff-broken");
    let broken = tree.file("broken.json", b"{");

    let run = tree.xtask(&["diff", &broken]).expect(1);

    assert!(run.stderr.contains("broken.json is not valid JSON"), "{}", run.stderr);
}

#[test]
fn regenerate_prints_the_change_report_before_the_files_it_wrote() {
    let tree = Tree::copy("regenerate-report");
    tree.write("openapi/motherduck.json", &pretty(&grows()));

    let run = tree.xtask(&["regenerate"]).expect(0);

    let lines = run.lines();
    let semver = lines.iter().position(|l| l.starts_with("semver: ")).expect(&run.stdout);
    assert_eq!(
        lines[semver],
        format!("semver: compatible change, bump motherduck-api {VERSION} -> 0.4.3")
    );
    assert!(lines[..semver].iter().all(|l| l.starts_with("compatible ")), "{}", run.stdout);
    assert!(lines[..semver].iter().any(|l| l.contains("(users-get): new operation")));
    assert!(lines[semver + 1..].iter().all(|l| l.starts_with("wrote ")), "{}", run.stdout);
    assert_eq!(lines.len() - semver - 1, 3, "{}", run.stdout);

    let again = tree.xtask(&["regenerate"]).expect(0);
    assert_eq!(again.stdout, "all generated files are current\n");
}

#[test]
fn regenerate_prints_no_report_when_only_the_spec_bytes_change() {
    let tree = Tree::copy("regenerate-quiet");
    let original = tree.read("openapi/motherduck.json");
    let (drift, _) = codegen::drift::check(&tree.root).unwrap();
    // The same document in other bytes: only the recorded digests change.
    let compact =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&original).unwrap())
            .unwrap();
    tree.write("openapi/motherduck.json", &compact);

    let run = tree.xtask(&["regenerate"]).expect(0);

    if drift.is_empty() {
        assert_eq!(
            run.stdout,
            "wrote motherduck-api/src/generated/raw.rs\nwrote motherduck-api/src/generated/api.rs\n"
        );
    } else {
        assert!(run.lines().iter().all(|l| l.starts_with("wrote ")), "{}", run.stdout);
    }
}
