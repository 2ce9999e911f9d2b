//! The award cycle commands: `award`, `history` and `seal`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use p2ham_io::model::{is_iso_date, Decree};
use p2ham_io::ops;
use p2ham_io::scoring::{AwardError, AwardOptions, RequiredInstrument};
use p2ham_io::{
    award::read_award_components, award::read_award_list, award::read_award_rule, document::read_assessment,
    seal::default_seal_path, seal::keygen, seal::load_public_keys, seal::load_secret_key,
    seal::public_key_path, seal::seal_verification, seal::signature_path, seal::utc_timestamp,
    seal::verify_seal, seal::Signer, write::write_atomic, write::write_atomic_with,
};
use p2ham_report::{Annex, Format};

use crate::args::{AwardArgs, FormatArg, Output, SignArgs};
use crate::output::{format_named_by, print, warn, Target};
use crate::sources::{self, files, password, source};
use crate::Failure;

fn exclusions(specs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    for s in specs {
        match s.split_once('=') {
            Some((unit, reason)) if !unit.trim().is_empty() && !reason.trim().is_empty() => {
                if out
                    .insert(unit.trim().to_owned(), reason.trim().to_owned())
                    .is_some()
                {
                    return Err(Failure::Usage(format!(
                        "--exclude names unit `{}` twice",
                        unit.trim()
                    )));
                }
            }
            _ => {
                return Err(Failure::Usage(format!(
                    "--exclude `{s}`: expected UNIT=REASON, e.g. --exclude lapas-x=\"dalam pemeriksaan\""
                )))
            }
        }
    }
    Ok(out)
}

fn decree(run: &AwardArgs) -> Result<Option<Decree>, Failure> {
    if let Some(d) = &run.decree_date {
        if !is_iso_date(d) {
            return Err(Failure::Usage(format!(
                "--decree-date `{d}`: expected YYYY-MM-DD"
            )));
        }
    }
    match &run.decree_number {
        Some(number) => Ok(Some(Decree {
            number: number.clone(),
            date: run.decree_date.clone(),
            issuer: run.decree_issuer.clone(),
        })),
        None if run.decree_date.is_some() || run.decree_issuer.is_some() => Err(Failure::Usage(
            "--decree-date and --decree-issuer need --decree-number".into(),
        )),
        None => Ok(None),
    }
}

fn award_failure(e: AwardError) -> Failure {
    match e {
        AwardError::UnknownExclusion { .. } => Failure::Usage(format!("--exclude: {e}")),
        other => Failure::Invalid(other.to_string()),
    }
}

/// Outputs of one command that name the same file would overwrite each
/// other: a usage error, before anything is read or written. `-` (standard
/// output) is no file.
pub(crate) fn distinct_outputs(outputs: &[(&str, Option<&Path>)]) -> Result<(), Failure> {
    let named: Vec<(&str, &Path)> = outputs
        .iter()
        .filter_map(|(flag, p)| Some((*flag, (*p)?)))
        .filter(|(_, p)| p.as_os_str() != "-")
        .collect();
    for (i, (flag_a, a)) in named.iter().enumerate() {
        for (flag_b, b) in &named[i + 1..] {
            if p2ham_io::write::same_output(a, b) {
                return Err(Failure::Usage(format!(
                    "{flag_a} and {flag_b} both name {}; give each output its own file",
                    b.display()
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn award(run: &AwardArgs) -> Result<(), Failure> {
    distinct_outputs(&[
        ("--output", run.out.output.as_deref()),
        ("--list", run.list.as_deref()),
        ("--annex", run.annex.as_deref()),
    ])?;
    let target = Target::new(run.format, Format::Text, &run.out)?;
    let exclusions = exclusions(&run.exclude)?;
    let decree = decree(run)?;
    let explicit = run
        .instrument
        .as_deref()
        .map(sources::load_instrument)
        .transpose()?;
    let previous = run
        .previous
        .as_deref()
        .map(|p| read_award_list(source(p)))
        .transpose()?;
    let rule = run
        .rule
        .as_deref()
        .map(|p| read_award_rule(source(p)))
        .transpose()?;
    let components = run
        .components
        .as_deref()
        .map(|p| read_award_components(source(p)))
        .transpose()?;
    let components_period = components.as_ref().map(|c| c.period.clone());
    let keys = if run.require_seal.is_empty() {
        Vec::new()
    } else {
        load_public_keys(&run.require_seal)?
    };
    let round = ops::AwardRound {
        options: AwardOptions {
            period: run.period.clone(),
            decree,
            exclusions,
            instrument: explicit.as_ref().map(|i| RequiredInstrument {
                id: i.checked.instrument().id.clone(),
                version: Some(i.checked.instrument().version.clone()),
            }),
            rule,
            components: components
                .map(|c| c.units.into_iter().map(|u| (u.unit.clone(), u)).collect())
                .unwrap_or_default(),
        },
        previous: previous.as_ref(),
        require_seal: &keys,
        evidence_root: run.evidence_root.as_deref(),
    };
    let awarded = match ops::award(sources::sources(&run.paths), explicit.as_deref(), &round) {
        Ok(awarded) => awarded,
        Err(ops::AwardFailure::Io(e)) => return Err(e.into()),
        Err(ops::AwardFailure::Decision(e)) => return Err(award_failure(e)),
        Err(e) => return Err(Failure::Invalid(e.to_string())),
    };
    if let (Some(doc_period), Some(path)) = (&components_period, &run.components) {
        if *doc_period != awarded.list.period {
            return Err(Failure::Invalid(format!(
                "{}: period: `{doc_period}` differs from `{}`, the period decided; give that period's figures",
                path.display(),
                awarded.list.period
            )));
        }
    }
    if !awarded.skipped_self.is_empty() {
        warn(&format!(
            "award: {} self-assessment(s) in the folders left out (the award rests on verifications)\n",
            awarded.skipped_self.len()
        ));
    }
    let list = awarded.list;

    let mut read = files(
        run.paths
            .iter()
            .chain(&run.previous)
            .chain(&run.require_seal)
            .chain(&run.rule)
            .chain(&run.components),
    );
    read.extend(explicit.and_then(|i| i.path.clone()));
    let render_options = target.options();
    if let Some(path) = &run.list {
        write_atomic(path, p2ham_report::to_json(&list).as_bytes(), &read)?;
    }
    if let Some(path) = &run.annex {
        write_atomic_with(path, &read, |w| {
            p2ham_report::write(
                &Annex(&list),
                format_named_by(path).unwrap_or(Format::Text),
                &render_options,
                w,
            )
            .map_err(std::io::Error::other)
        })?;
    }
    target.deliver(&list, &render_options, &read)
}

pub(crate) fn history_cmd(
    unit: Option<&str>,
    instrument: Option<&str>,
    format: Option<FormatArg>,
    out: &Output,
    paths: &[PathBuf],
) -> Result<(), Failure> {
    let target = Target::new(format, Format::Text, out)?;
    let instrument = sources::instrument(instrument);
    let mut read = files(paths);
    read.extend(instrument.as_ref().and_then(|i| i.path()).map(Path::to_path_buf));
    let report = ops::history(sources::sources(paths), instrument, unit)?;
    if let (Some(u), true) = (unit, report.units.is_empty()) {
        return Err(Failure::Invalid(format!(
            "unit `{u}` is in none of the award lists or verifications given"
        )));
    }
    target.deliver(&report, &target.options(), &read)
}

pub(crate) fn seal_keygen(
    out: &Path,
    password_file: Option<&PathBuf>,
    comment: Option<&str>,
) -> Result<(), Failure> {
    let pw = password(password_file)?;
    let comment = comment.unwrap_or("p2ham seal key (minisign format)");
    let files = keygen(out, pw.as_deref(), comment)?;
    warn(&format!(
        "key {}: secret key {} (mode 0600{}), public key {}\n",
        files.key_id,
        files.secret.display(),
        if pw.is_some() {
            ", password-protected"
        } else {
            ", not password-protected"
        },
        files.public.display()
    ));
    Ok(())
}

pub(crate) fn seal_sign(run: &SignArgs) -> Result<(), Failure> {
    if run.signer.trim().is_empty() {
        return Err(Failure::Usage("--signer: give the signer's name".into()));
    }
    if let Some(seal) = &run.output {
        let public = public_key_path(&run.key);
        distinct_outputs(&[
            ("--output", Some(seal.as_path())),
            ("the public key of --key", Some(public.as_path())),
        ])?;
    }
    let pw = password(run.password_file.as_ref())?;
    let secret = load_secret_key(&run.key, pw.as_deref())?;
    let doc = read_assessment(source(&run.verification))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let signer = Signer {
        name: run.signer.trim().to_owned(),
        office: run.office.clone().or_else(|| doc.assessment.unit.office.clone()),
    };
    let seal = seal_verification(&doc, &run.evidence_root, &secret, signer, utc_timestamp(now))?;
    let path = run
        .output
        .clone()
        .unwrap_or_else(|| default_seal_path(&run.verification));
    let inputs = files([&run.verification, &run.evidence_root, &run.key]);
    write_atomic(&path, seal.manifest_text.as_bytes(), &inputs)?;
    write_atomic(&signature_path(&path), seal.signature_text.as_bytes(), &inputs)?;
    warn(&format!(
        "sealed {} ({} evidence file(s)) with key {}: {} and {}\n",
        run.verification.display(),
        seal.manifest.evidence.len(),
        seal.manifest.key_id,
        path.display(),
        signature_path(&path).display()
    ));
    Ok(())
}

pub(crate) fn seal_verify(
    verification: &Path,
    evidence_root: &Path,
    seal: Option<&PathBuf>,
    keys: &[PathBuf],
) -> Result<(), Failure> {
    let keys = load_public_keys(keys)?;
    let doc = read_assessment(source(verification))?;
    let seal = seal.cloned().unwrap_or_else(|| default_seal_path(verification));
    let check = verify_seal(&doc, Some(evidence_root), &seal, &keys)?;
    // A verdict quoting the seal's signer and files: a message, cleaned as every message is.
    print(&crate::render(&check.to_text(&seal)))?;
    if check.ok() {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}
