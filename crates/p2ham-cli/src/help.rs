//! What the command line teaches: every command's help ends with real
//! examples (on the repository's fixtures) and the documentation page to
//! read, and `p2ham man [COMMAND]` prints the manual page of any command with
//! its EXAMPLES, EXIT STATUS and ENVIRONMENT.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::CommandFactory;

use crate::args::Cli;
use crate::output::print;
use crate::Failure;

/// The examples and the documentation page of one command.
pub(crate) struct Page {
    /// The command below `p2ham`, e.g. `seal verify` (empty: `p2ham` itself).
    pub(crate) path: &'static str,
    /// Each example: what it does, and the command line (run as shown from
    /// the repository's root; the tests run every one).
    pub(crate) examples: &'static [(&'static str, &'static str)],
    /// The page of the documentation to read, from the repository's root.
    pub(crate) doc: &'static str,
}

macro_rules! f {
    ($rest:literal) => {
        concat!("fixtures/assessments/sampit-2023/", $rest)
    };
}

/// The examples of every command, in the order `p2ham --help` lists them.
pub(crate) const PAGES: &[Page] = &[
    Page {
        path: "",
        examples: &[
            ("The explained score of a verification, with the award decision", concat!("p2ham score ", f!("lapas-sampit.verification.json"))),
            ("Check every document of a folder", concat!("p2ham validate ", f!("*.json"))),
            ("Run the application on http://127.0.0.1:8080/ with demo accounts", "p2ham serve"),
        ],
        doc: "README.md",
    },
    Page {
        path: "serve",
        examples: &[
            ("On 127.0.0.1:8080, data in ./p2ham-data, demo accounts on a fresh database", "p2ham serve"),
            ("In production behind a TLS proxy, on PostgreSQL", "p2ham serve --no-demo --database postgres://p2ham@db/p2ham --listen 0.0.0.0:8080 --secure-cookies"),
            ("The API's OpenAPI 3.1 document", "p2ham serve --openapi > openapi.json"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin",
        examples: &[
            ("The first administrator (the password on standard input)", "echo \"$PASSWORD\" | p2ham admin create-admin --username admin"),
            ("Units from a CSV file with the columns id,name,kind,office", "p2ham admin unit import fixtures/units/kalteng.csv"),
            ("The audit log's chain, and the tables against its replay", "p2ham admin audit verify"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin create-admin",
        examples: &[
            ("The first administrator of ./p2ham-data (the password on standard input)", "echo \"$PASSWORD\" | p2ham admin create-admin --username admin"),
            ("Another administrator, naming the data folder", "echo \"$PASSWORD\" | p2ham admin create-admin --data-dir p2ham-data --username admin-pusat --name \"Administrator Pusat\""),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin user",
        examples: &[
            ("An operator of one unit (the password on standard input)", "echo \"$PASSWORD\" | p2ham admin user add --username operator-kanim-sampit --name \"Operator Kanim Sampit\" --role operator --unit kanim-sampit"),
            ("No more logins for a user", "p2ham admin user deactivate --username operator-kanim-sampit"),
            ("Let the user in again", "p2ham admin user reactivate --username operator-kanim-sampit"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin user add",
        examples: &[
            ("An operator of one unit (the password on standard input)", "echo \"$PASSWORD\" | p2ham admin user add --username operator-kanim-sampit --name \"Operator Kanim Sampit\" --role operator --unit kanim-sampit"),
            ("A Kanwil's verifier", "echo \"$PASSWORD\" | p2ham admin user add --username verifier-kalteng --name \"Tim Verifikasi Kalteng\" --role verifier --office \"Kanwil Kemenkumham Kalimantan Tengah\""),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin user update",
        examples: &[
            ("Rename a verifier (the whole profile is given)", "p2ham admin user update --username verifier-kalteng --name \"Tim Verifikasi Kanwil Kalteng\" --role verifier --office \"Kanwil Kemenkumham Kalimantan Tengah\""),
            ("Make an operator a central evaluator", "p2ham admin user update --username operator-kanim-sampit --name \"Evaluator Pusat\" --role evaluator"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin user deactivate",
        examples: &[
            ("No more logins; sessions end, API tokens are refused", "p2ham admin user deactivate --username operator-kanim-sampit"),
            ("The same in another data folder", "p2ham admin user deactivate --data-dir p2ham-data --username verifier-kalteng"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin user reactivate",
        examples: &[
            ("Let a deactivated user in again", "p2ham admin user reactivate --username operator-kanim-sampit"),
            ("The same in another data folder", "p2ham admin user reactivate --data-dir p2ham-data --username verifier-kalteng"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin unit",
        examples: &[
            ("Units from a CSV file with the columns id,name,kind,office", "p2ham admin unit import fixtures/units/kalteng.csv"),
            ("One unit", "p2ham admin unit add --id kanim-palangkaraya --name \"Kantor Imigrasi Kelas I TPI Palangka Raya\" --kind kanim --office \"Kanwil Kemenkumham Kalimantan Tengah\""),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin unit add",
        examples: &[
            ("An immigration office", "p2ham admin unit add --id kanim-palangkaraya --name \"Kantor Imigrasi Kelas I TPI Palangka Raya\" --kind kanim --office \"Kanwil Kemenkumham Kalimantan Tengah\""),
            ("A prison", "p2ham admin unit add --id lapas-palangkaraya --name \"Lapas Kelas IIA Palangka Raya\" --kind lapas --office \"Kanwil Kemenkumham Kalimantan Tengah\""),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin unit import",
        examples: &[
            ("Every row is checked before any is stored", "p2ham admin unit import fixtures/units/kalteng.csv"),
            ("Into another data folder, from standard input", "p2ham admin unit import --data-dir kalteng-data - < fixtures/units/kalteng.csv"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin period",
        examples: &[
            ("A period whose self-assessments close on 31 March", "p2ham admin period add --id 2024 --year 2024 --instrument p2ham-2022 --self-closes 2024-03-31"),
            ("Every window given", "p2ham admin period add --id 2025 --year 2025 --instrument p2ham-2022 --self-opens 2025-01-02 --self-closes 2025-03-31 --verification-opens 2025-04-01 --verification-closes 2025-06-30"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin period add",
        examples: &[
            ("A period whose self-assessments close on 31 March", "p2ham admin period add --id 2024 --year 2024 --instrument p2ham-2022 --self-closes 2024-03-31"),
            ("Every window given", "p2ham admin period add --id 2025 --year 2025 --instrument p2ham-2022 --self-opens 2025-01-02 --self-closes 2025-03-31 --verification-opens 2025-04-01 --verification-closes 2025-06-30"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin audit",
        examples: &[
            ("The audit log's chain, and the tables against its replay", "p2ham admin audit verify"),
            ("A signed checkpoint, to keep outside the database's reach", "p2ham admin audit checkpoint --key audit.key -o audit-checkpoint.json"),
            ("Check that the log still holds the checkpoint's entry", "p2ham admin audit verify --checkpoint audit-checkpoint.json --key audit.key.pub"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin audit verify",
        examples: &[
            ("The audit log's chain, and the tables against its replay", "p2ham admin audit verify"),
            ("Also that the log still holds a signed checkpoint's entry", "p2ham admin audit verify --checkpoint audit-checkpoint.json --key audit.key.pub"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin audit checkpoint",
        examples: &[
            ("A key pair for checkpoints, once", "p2ham seal keygen --out audit.key"),
            ("A signed checkpoint: audit-checkpoint.json and audit-checkpoint.json.minisig", "p2ham admin audit checkpoint --key audit.key -o audit-checkpoint.json"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin backup",
        examples: &[
            ("A backup of ./p2ham-data into a new folder, while the server runs or not", "p2ham admin backup --to p2ham-backup"),
            ("A dated backup, naming the data folder", "p2ham admin backup --data-dir p2ham-data --to \"p2ham-backups/$(date +%Y-%m-%d)\""),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "admin restore",
        examples: &[
            ("Check a backup and restore it into a new data folder", "p2ham admin restore p2ham-backup --data-dir p2ham-data-restored"),
            ("Then check the restored audit log against its tables", "p2ham admin audit verify --data-dir p2ham-data-restored"),
        ],
        doc: "docs/server.md",
    },
    Page {
        path: "instrument",
        examples: &[
            ("The built-in instruments", "p2ham instrument list"),
            ("One of them as JSON, to start a tailored instrument from", "p2ham instrument show p2ham-2022 > my-2022.json"),
        ],
        doc: "docs/instruments.md",
    },
    Page {
        path: "instrument list",
        examples: &[
            ("Id, version, size and title of each built-in instrument", "p2ham instrument list"),
            ("Only the ids", "p2ham instrument list | cut -f1"),
        ],
        doc: "docs/instruments.md",
    },
    Page {
        path: "instrument show",
        examples: &[
            ("The 2022 instrument as JSON", "p2ham instrument show p2ham-2022"),
            ("Start a tailored instrument from it", "p2ham instrument show p2ham-2022 > my-2022.json"),
        ],
        doc: "docs/instruments.md",
    },
    Page {
        path: "instrument diff",
        examples: &[
            ("What changed from the 2018 immigration-office instrument to 2022", "p2ham instrument diff p2ham-2018-kanim p2ham-2022"),
            ("A tailored instrument against the one it started from, as Markdown", "p2ham instrument diff -o changes.md fixtures/instruments-extra/demo.json fixtures/instruments-extra/demo-tailored.json"),
        ],
        doc: "docs/instruments.md",
    },
    Page {
        path: "schema",
        examples: &[
            ("The JSON Schema of an assessment", "p2ham schema assessment"),
            ("Every schema, as files", "p2ham schema --out schemas"),
        ],
        doc: "docs/auditing.md",
    },
    Page {
        path: "validate",
        examples: &[
            ("One assessment: every problem, by file and path", concat!("p2ham validate ", f!("kanim-sampit.self.json"))),
            ("A folder's documents, as the p2ham-validation/1 report", concat!("p2ham validate --format json ", f!("*.json"))),
            ("Against an instrument file", concat!("p2ham validate --instrument fixtures/instruments/p2ham-2022.json ", f!("lapas-sampit.self.json"))),
        ],
        doc: "docs/diagnostics.md",
    },
    Page {
        path: "score",
        examples: &[
            ("Every point explained, with the award decision", concat!("p2ham score ", f!("lapas-sampit.verification.json"))),
            ("A workbook: the format is the output's extension", concat!("p2ham score -o lapas-sampit.xlsx ", f!("lapas-sampit.verification.json"))),
            ("A page in English with the team's photos", concat!("p2ham score --lang en --evidence-root fixtures/evidence/lapas-sampit -o lapas-sampit.html ", f!("lapas-sampit.verification.json"))),
        ],
        doc: "docs/scoring.md",
    },
    Page {
        path: "skm",
        examples: &[
            ("The index as a table, in Indonesian", "p2ham skm fixtures/skm/kanim-sampit-2023.csv --format text"),
            ("Per kind of service, with the published weight 0,111", "p2ham skm fixtures/skm/kanim-sampit-2023.csv --by jenis_layanan --weights 0.111"),
            ("From a workbook, as Markdown in English", "p2ham skm fixtures/skm/kanim-sampit-2023.xlsx --lang en -o ikm-kanim-sampit.md"),
        ],
        doc: "docs/skm.md",
    },
    Page {
        path: "rollup",
        examples: &[
            ("Every unit of a folder: per unit, per Kanwil, national gaps", "p2ham rollup fixtures/assessments/sampit-2023"),
            ("The verified result, one CSV row per unit", "p2ham rollup --stage verification fixtures/assessments/sampit-2023 -o nasional.csv"),
            ("NDJSON records against an instrument file, as JSON", "p2ham rollup --instrument fixtures/rollup/instrument.json fixtures/rollup/folder -o rollup.json"),
        ],
        doc: "docs/rollup.md",
    },
    Page {
        path: "compare",
        examples: &[
            ("Discrepancies, both totals and the verified award", concat!("p2ham compare ", f!("lapas-sampit.self.json "), f!("lapas-sampit.verification.json"))),
            ("The same as JSON", concat!("p2ham compare --format json ", f!("kanim-sampit.self.json "), f!("kanim-sampit.verification.json"))),
            ("A page with the photos of both walks", concat!("p2ham compare --evidence-root fixtures/evidence/lapas-sampit -o banding-lapas-sampit.html ", f!("lapas-sampit.self.json "), f!("lapas-sampit.verification.json"))),
        ],
        doc: "docs/verification.md",
    },
    Page {
        path: "template",
        examples: &[
            ("A checklist for a prison: drop-downs, live scores", "p2ham template p2ham-2022 --kind lapas --unit-id lapas-sampit --period 2024 -o lapas.xlsx"),
            ("A verification checklist beside the unit's own answers", concat!("p2ham template p2ham-2022 --kind lapas --from ", f!("lapas-sampit.self.json"), " -o verifikasi.xlsx")),
            ("A CSV checklist in English", "p2ham template p2ham-2022 --kind kanim --lang en -o kanim.csv"),
        ],
        doc: "docs/spreadsheets.md",
    },
    Page {
        path: "import",
        examples: &[
            ("A filled workbook back to an assessment", "p2ham import fixtures/checklists/lapas-sampit.self.xlsx -o lapas-sampit.self.json"),
            ("A draft CSV checklist: unanswered indicators score as missing", "p2ham import --allow-missing fixtures/checklists/kanim-sampit.verification.csv"),
        ],
        doc: "docs/spreadsheets.md",
    },
    Page {
        path: "evidence",
        examples: &[
            ("Present, missing or altered: every file an assessment references", concat!("p2ham evidence verify ", f!("kanim-sampit.self.json"), " --root fixtures/evidence/kanim-sampit")),
            ("A folder's digests, for sha256sum -c", "p2ham evidence manifest fixtures/evidence/kanim-sampit -o SHA256SUMS"),
        ],
        doc: "docs/verification.md",
    },
    Page {
        path: "evidence verify",
        examples: &[
            ("Every file a self-assessment references", concat!("p2ham evidence verify ", f!("kanim-sampit.self.json"), " --root fixtures/evidence/kanim-sampit")),
            ("Both documents of a unit, as JSON", concat!("p2ham evidence verify --format json ", f!("lapas-sampit.self.json "), f!("lapas-sampit.verification.json"), " --root fixtures/evidence/lapas-sampit")),
        ],
        doc: "docs/verification.md",
    },
    Page {
        path: "evidence manifest",
        examples: &[
            ("Every file's digest, sorted by path", "p2ham evidence manifest fixtures/evidence/kanim-sampit"),
            ("As a file that sha256sum -c reads inside the folder", "p2ham evidence manifest fixtures/evidence/kanim-sampit -o SHA256SUMS"),
        ],
        doc: "docs/verification.md",
    },
    Page {
        path: "completions",
        examples: &[
            ("Bash", "p2ham completions bash > p2ham.bash"),
            ("Zsh", "p2ham completions zsh > _p2ham"),
        ],
        doc: "README.md",
    },
    Page {
        path: "man",
        examples: &[
            ("Read the page of one command", "p2ham man score | man -l -"),
            ("A subcommand's page, as a file", "p2ham man seal verify > p2ham-seal-verify.1"),
            ("Every page, for /usr/local/share/man/man1", "p2ham man --out man1"),
        ],
        doc: "README.md",
    },
    Page {
        path: "letter",
        examples: &[
            ("The Berita Acara as Markdown", concat!("p2ham letter ", f!("bapas-sampit.self.json "), f!("bapas-sampit.verification.json"), " > berita-acara.md")),
            ("The printable letter: the format is the output's extension", concat!("p2ham letter -o surat-bapas-sampit.html ", f!("bapas-sampit.self.json "), f!("bapas-sampit.verification.json"))),
            ("In English", concat!("p2ham letter --lang en ", f!("lapas-sampit.self.json "), f!("lapas-sampit.verification.json"))),
        ],
        doc: "docs/verification.md",
    },
    Page {
        path: "award",
        examples: &[
            ("Against last period's list: the new list and the decree annex", "p2ham award --previous fixtures/awards/kalteng-2022.json fixtures/assessments/sampit-2023 --list awards-2023.json --annex lampiran-2023.md"),
            ("With the decree, the annex as a workbook", "p2ham award --previous fixtures/awards/kalteng-2022.json fixtures/assessments/sampit-2023 --decree-number W17-PW.01-123 --decree-date 2024-05-02 --annex lampiran-2023.xlsx"),
            ("Only sealed verifications (repeat --require-seal for each key)", concat!("p2ham award --require-seal kalteng.pub ", f!("lapas-sampit.verification.json"))),
        ],
        doc: "docs/awards.md",
    },
    Page {
        path: "history",
        examples: &[
            ("One unit across periods", "p2ham history fixtures/awards/kalteng-2022.json awards-2023.json --unit lapas-sampit"),
            ("Every unit, as CSV", "p2ham history fixtures/awards/kalteng-2022.json fixtures/assessments/sampit-2023 --format csv"),
        ],
        doc: "docs/awards.md",
    },
    Page {
        path: "seal",
        examples: &[
            ("A key pair: kalteng (secret, mode 0600) and kalteng.pub", "p2ham seal keygen --out kalteng"),
            ("Seal a verification and its evidence", concat!("p2ham seal sign ", f!("lapas-sampit.verification.json"), " --evidence-root fixtures/evidence/lapas-sampit --key kalteng --signer \"Woro Sadarini\"")),
            ("Check the seal", concat!("p2ham seal verify ", f!("lapas-sampit.verification.json"), " --evidence-root fixtures/evidence/lapas-sampit --key kalteng.pub")),
        ],
        doc: "docs/awards.md",
    },
    Page {
        path: "seal keygen",
        examples: &[
            ("A key pair: kalteng (secret, mode 0600) and kalteng.pub", "p2ham seal keygen --out kalteng"),
            ("Next year's key, with a comment", "p2ham seal keygen --out kalteng-2025 --comment \"Kanwil Kalteng 2025\""),
        ],
        doc: "docs/awards.md",
    },
    Page {
        path: "seal sign",
        examples: &[
            ("Writes the seal and its signature beside the verification", concat!("p2ham seal sign ", f!("lapas-sampit.verification.json"), " --evidence-root fixtures/evidence/lapas-sampit --key kalteng --signer \"Woro Sadarini\"")),
            ("The seal to a file of its own", concat!("p2ham seal sign ", f!("kanim-sampit.verification.json"), " --evidence-root fixtures/evidence/kanim-sampit --key kalteng --signer \"Woro Sadarini\" -o kanim-sampit.seal")),
        ],
        doc: "docs/awards.md",
    },
    Page {
        path: "seal verify",
        examples: &[
            ("Check a seal against one key", concat!("p2ham seal verify ", f!("lapas-sampit.verification.json"), " --evidence-root fixtures/evidence/lapas-sampit --key kalteng.pub")),
            ("Accept either of two keys (one --key per key)", concat!("p2ham seal verify ", f!("kanim-sampit.verification.json"), " --evidence-root fixtures/evidence/kanim-sampit --seal kanim-sampit.seal --key kalteng-2025.pub --key kalteng.pub")),
        ],
        doc: "docs/awards.md",
    },
];

/// The page of the command at `path`.
pub(crate) fn page(path: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.path == path)
}

/// The text ending a command's help: its examples and the page to read.
fn after_help(page: &Page) -> String {
    let mut text = String::from("Examples:\n");
    for (what, line) in page.examples {
        let _ = writeln!(text, "  # {what}\n  {line}");
    }
    let _ = write!(text, "\nRead more: {}", page.doc);
    text
}

/// The command line as `p2ham` parses it: every command's help ending with
/// its examples and the page to read.
pub(crate) fn command() -> clap::Command {
    fn walk(cmd: clap::Command, path: &str) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
        let mut cmd = match page(path) {
            Some(p) => cmd.after_help(after_help(p)),
            None => cmd,
        };
        for name in names {
            let sub_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path} {name}")
            };
            cmd = cmd.mut_subcommand(&name, |sub| walk(sub, &sub_path));
        }
        cmd
    }
    walk(Cli::command(), "")
}

/// Every command's path below `p2ham` (`""`, `score`, `seal verify`, …), in
/// the order the help lists them, the implicit `help` left out.
pub(crate) fn paths(cmd: &clap::Command) -> Vec<String> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_owned());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let sub_path = if path.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{path} {}", sub.get_name())
            };
            walk(sub, &sub_path, out);
        }
    }
    let mut out = Vec::new();
    walk(cmd, "", &mut out);
    out
}

/// The command at `path` of a built command (its display name set, e.g.
/// `p2ham-seal-verify`).
fn find<'c>(cmd: &'c clap::Command, path: &[String]) -> Option<&'c clap::Command> {
    path.iter().try_fold(cmd, |c, name| {
        c.get_subcommands()
            .find(|s| s.get_name() == name && name != "help")
    })
}

/// The file name stem of a command's page: `p2ham`, `p2ham-seal-verify`.
fn page_name(path: &str) -> String {
    std::iter::once("p2ham")
        .chain(path.split_whitespace())
        .collect::<Vec<_>>()
        .join("-")
}

/// `p2ham man [COMMAND…] [--out DIR]`.
pub(crate) fn man(command: &[String], out: Option<PathBuf>) -> Result<(), Failure> {
    let mut cli = pages_command();
    cli.build();
    let Some(dir) = out else {
        let Some(cmd) = find(&cli, command) else {
            return Err(Failure::Usage(format!(
                "no command `{}`; `p2ham --help` lists them",
                command.join(" ")
            )));
        };
        return print(&String::from_utf8_lossy(&render(cmd, &command.join(" "))?));
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Usage(format!("{}: cannot create folder: {e}", dir.display())))?;
    for path in paths(&cli) {
        let words: Vec<String> = path.split_whitespace().map(str::to_owned).collect();
        let cmd = find(&cli, &words).expect("a listed command exists");
        p2ham_io::write::write_atomic(
            &dir.join(format!("{}.1", page_name(&path))),
            &render(cmd, &path)?,
            &[],
        )?;
    }
    Ok(())
}

/// The command line for manual pages: no implicit `help` subcommand, whose
/// page would not exist.
fn pages_command() -> clap::Command {
    fn walk(cmd: clap::Command) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
        let mut cmd = cmd.disable_help_subcommand(true);
        for name in names {
            cmd = cmd.mut_subcommand(&name, walk);
        }
        cmd
    }
    walk(command())
}

/// Escape text for roff: backslashes, and a leading dot or quote.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with('.') || text.starts_with('\'') {
        format!("\\&{text}")
    } else {
        text
    }
}

/// One manual page: clap's sections, then EXAMPLES, EXIT STATUS,
/// ENVIRONMENT and SEE ALSO.
fn render(cmd: &clap::Command, path: &str) -> Result<Vec<u8>, Failure> {
    let failed = |e: std::io::Error| Failure::Usage(format!("cannot write the manual page: {e}"));
    let name = page_name(path);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(&name)
        .source(concat!("p2ham ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out).map_err(failed)?;
    man.render_name_section(&mut out).map_err(failed)?;
    man.render_synopsis_section(&mut out).map_err(failed)?;
    man.render_description_section(&mut out).map_err(failed)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out).map_err(failed)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out).map_err(failed)?;
    }
    let page = page(path);
    let mut text = String::new();
    if let Some(page) = page {
        text.push_str(".SH EXAMPLES\n");
        for (what, line) in page.examples {
            let _ = write!(
                text,
                ".PP\n{}:\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n",
                roff(what),
                roff(line)
            );
        }
    }
    text.push_str(concat!(
        ".SH \"EXIT STATUS\"\n",
        ".TP\n\\fB0\\fR\nSuccess.\n",
        ".TP\n\\fB1\\fR\nAn input is invalid, or the report on it says it fails; the message names the file and the path inside it, or the row and column.\n",
        ".TP\n\\fB2\\fR\nA usage or output problem: a wrong command line (an unknown flag, an unknown built\\-in id, standard input named twice) or an output that cannot be written.\n",
        ".SH ENVIRONMENT\n",
        ".TP\n\\fBP2HAM_MAX_DOCUMENT_BYTES\\fR\nThe largest document read, in bytes (default: 256 MiB).\n",
    ));
    let mut envs: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let env = a.get_env()?.to_string_lossy().into_owned();
            let help = a.get_help().map(ToString::to_string).unwrap_or_default();
            Some((
                env,
                format!("Sets \\-\\-{}: {}", a.get_long().unwrap_or_default(), roff(&help)),
            ))
        })
        .collect();
    if path == "serve" {
        envs.push((
            "P2HAM_LOG".into(),
            "The log filter, tracing EnvFilter syntax (default: info,sqlx=warn; warn with \\-\\-quiet)."
                .into(),
        ));
    }
    for (env, help) in envs {
        let _ = write!(text, ".TP\n\\fB{env}\\fR\n{help}\n");
    }
    text.push_str(".SH \"SEE ALSO\"\n");
    let mut also: Vec<String> = Vec::new();
    if let Some((parent, _)) = path.rsplit_once(' ') {
        also.push(format!("\\fB{}\\fR(1)", page_name(parent)));
    } else if !path.is_empty() {
        also.push("\\fBp2ham\\fR(1)".into());
    }
    if let Some(page) = page {
        also.push(format!("{} in the p2ham repository", roff(page.doc)));
    }
    let _ = writeln!(text, "{}", also.join(", "));
    let _ = writeln!(text, ".SH VERSION\nv{}", env!("CARGO_PKG_VERSION"));
    out.write_all(text.as_bytes()).map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_two_or_three_examples_and_an_existing_page() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let listed = paths(&command());
        for path in &listed {
            let page = page(path).unwrap_or_else(|| panic!("`p2ham {path}` has no examples"));
            assert!((2..=3).contains(&page.examples.len()), "`p2ham {path}`");
            for (_, line) in page.examples {
                assert!(line.contains("p2ham "), "{line}");
            }
            assert!(root.join(page.doc).is_file(), "{}", page.doc);
        }
        for p in PAGES {
            assert!(listed.iter().any(|l| l == p.path), "no command `{}`", p.path);
        }
        // Same order as the help, so the examples' tests run them in it.
        let order: Vec<&str> = PAGES.iter().map(|p| p.path).collect();
        assert_eq!(order, listed.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn value_names_say_what_they_are() {
        fn walk(cmd: &clap::Command) {
            for arg in cmd.get_arguments() {
                for name in arg.get_value_names().unwrap_or_default() {
                    assert!(
                        name.len() > 1,
                        "{} --{:?}: <{name}>",
                        cmd.get_name(),
                        arg.get_long()
                    );
                }
                // One value per flag: a flag never takes the positional arguments after it.
                let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
                assert!(
                    !(many && arg.get_long().is_some()),
                    "{} --{:?}",
                    cmd.get_name(),
                    arg.get_long()
                );
            }
            cmd.get_subcommands().for_each(walk);
        }
        let mut cmd = command();
        cmd.build();
        walk(&cmd);
    }
}
