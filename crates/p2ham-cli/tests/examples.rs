//! Every command the README shows, and every example every `--help` ends
//! with, run as shown on a copy of the repository's fixtures: they cannot
//! drift from what the binary accepts.
//!
//! One folder holds the copy; the README's commands run first, in order, then
//! the examples of each command in the order `p2ham --help` lists them (an
//! example may use what an earlier one made: a key, a seal, a checklist). A
//! command line shown twice runs once. A server that would keep listening
//! (`p2ham serve` without `--openapi`) runs with `--openapi`: its flags are
//! checked, nothing listens. The commands of the pages of docs/ run the same
//! way, each page in a folder of its own.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `p2ham` command lines of a page's `sh` blocks (continuation lines
/// joined, comments dropped) and its variable assignments, in order.
fn shown_lines(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(page)).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        let joined = std::mem::take(&mut pending) + line;
        let command = without_comment(&joined);
        if command.contains("p2ham ") || is_assignment(&command) {
            out.push(command);
        }
    }
    out
}

fn is_assignment(line: &str) -> bool {
    line.split_once('=').is_some_and(|(name, value)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase()) && !value.contains(' ')
    })
}

/// A line without its trailing `# comment` (a `#` after white space).
fn without_comment(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.starts_with('#') {
        return String::new();
    }
    let bytes = trimmed.as_bytes();
    let cut = (1..bytes.len())
        .find(|&i| bytes[i] == b'#' && bytes[i - 1].is_ascii_whitespace())
        .unwrap_or(bytes.len());
    trimmed[..cut].trim().to_owned()
}

/// The folder every command runs in: a copy of the fixtures, a home with
/// the bash completion folder the README writes into.
struct Place {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
    ran: HashSet<String>,
    failures: Vec<String>,
    count: usize,
}

impl Place {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("fixtures"), &dir.path().join("fixtures"));
        std::fs::create_dir_all(dir.path().join("home/.local/share/bash-completion/completions")).unwrap();
        Self {
            dir,
            vars: Vec::new(),
            ran: HashSet::new(),
            failures: Vec::new(),
            count: 0,
        }
    }

    fn run(&mut self, origin: &str, line: &str) {
        if is_assignment(line) {
            let (name, value) = line.split_once('=').unwrap();
            self.vars.push((name.to_owned(), value.to_owned()));
            return;
        }
        if !self.ran.insert(line.to_owned()) {
            return;
        }
        let mut shown = line.to_owned();
        if shown.contains("p2ham serve") && !shown.contains("--openapi") {
            shown = shown.replacen("p2ham serve", "p2ham serve --openapi", 1);
            shown.push_str(" > /dev/null");
        }
        let bin = Path::new(env!("CARGO_BIN_EXE_p2ham"))
            .parent()
            .unwrap()
            .to_path_buf();
        let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let out = Command::new("bash")
            .args(["-o", "pipefail", "-c", &shown])
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("HOME", self.dir.path().join("home"))
            .env("PASSWORD", "kata-sandi-contoh-yang-panjang")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env_remove("P2HAM_DATA_DIR")
            .env_remove("P2HAM_DATABASE")
            .env_remove("P2HAM_EVIDENCE_DIR")
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        self.count += 1;
        if !out.status.success() {
            self.failures.push(format!(
                "{origin}: `{line}` exited {:?}\n{}{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
}

fn help(path: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_p2ham"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "p2ham {path:?} --help exited {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The commands a help lists, `help` left out.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A command's line is indented by two spaces; a wrapped description's
        // continuation lines are indented further.
        .filter(|l| l.starts_with("  ") && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The example command lines a help ends with, and the page it names.
fn examples(help: &str) -> (Vec<String>, String) {
    let lines: Vec<String> = help
        .lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let doc = help
        .lines()
        .find_map(|l| l.strip_prefix("Read more: "))
        .unwrap_or_default()
        .to_owned();
    (lines, doc)
}

/// Every command's path, as `p2ham --help` lists them, depth first.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(path: &[String], out: &mut Vec<Vec<String>>) {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let subs = subcommands(&help(&words));
        out.push(path.to_vec());
        for sub in subs {
            let mut next = path.to_vec();
            next.push(sub);
            walk(&next, out);
        }
    }
    let mut out = Vec::new();
    walk(&[], &mut out);
    out
}

#[test]
fn every_command_of_the_readme_and_of_every_help_runs_as_shown() {
    let mut place = Place::new();
    let readme = shown_lines("README.md");
    assert!(
        readme.len() > 30,
        "the README's commands were not found: {readme:?}"
    );
    for line in readme {
        place.run("README.md", &line);
    }
    let paths = command_paths();
    assert!(paths.len() > 30, "{paths:?}");
    for path in &paths {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&words);
        let (lines, doc) = examples(&text);
        let name = format!("p2ham {} --help", path.join(" "));
        assert!((2..=3).contains(&lines.len()), "{name}: {lines:?}\n{text}");
        assert!(root().join(&doc).is_file(), "{name}: `{doc}`");
        for line in lines {
            assert!(
                line.starts_with("p2ham ") || line.contains("| p2ham "),
                "{name}: {line}"
            );
            place.run(&name, &line);
        }
    }
    assert!(place.count > 60, "{} commands ran", place.count);
    assert!(
        place.failures.is_empty(),
        "{} of {} commands failed:\n\n{}",
        place.failures.len(),
        place.count,
        place.failures.join("\n")
    );
}

/// The pages of docs/ whose commands run as shown, each in a folder of its
/// own. (docs/server.md is left out: its commands name the system's folders,
/// `/etc/p2ham` and `/var/lib/p2ham`, as an installation does.)
const RUNNABLE_DOCS: &[&str] = &[
    "docs/auditing.md",
    "docs/awards.md",
    "docs/instruments.md",
    "docs/skm.md",
    "docs/spreadsheets.md",
    "docs/verification.md",
];

#[test]
fn every_command_of_the_docs_runs_as_shown() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for page in RUNNABLE_DOCS {
        let lines = shown_lines(page);
        assert!(
            lines.iter().any(|l| l.starts_with("p2ham ")),
            "{page}: no command found"
        );
        let mut place = Place::new();
        for line in lines {
            place.run(page, &line);
        }
        failures.extend(place.failures);
        ran += place.count;
    }
    assert!(ran >= 30, "{ran} commands ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
