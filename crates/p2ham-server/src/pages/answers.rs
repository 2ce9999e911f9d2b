//! What the operator's form and the verifier's review show alike for one
//! indicator: its answer options as radio buttons, an answer in words, and
//! the evidence files with their thumbnails.

use maud::{html, Markup};
use p2ham_io::model::{Answer, EvidenceRef, Indicator};

use super::case::{Case, NOT_APPLICABLE};
use super::{html_id, urlencode, Ctx};

/// The radio value an answer stands for: its option code, or "tidak berlaku".
pub(crate) fn chosen(a: Option<&Answer>) -> Option<String> {
    a.and_then(|a| {
        a.value
            .clone()
            .or_else(|| a.not_applicable.as_ref().map(|_| NOT_APPLICABLE.to_owned()))
    })
}

/// The indicator's published answer scale as radio buttons named `v.{id}`,
/// then "tidak berlaku"; ids start with `vid`.
pub(crate) fn options(
    ctx: &Ctx,
    case: &Case,
    ind: &Indicator,
    vid: &str,
    chosen: Option<&str>,
    enabled: bool,
) -> Markup {
    let scale = case.instrument().scale(&ind.scale);
    let name = format!("v.{}", ind.id);
    let naid = format!("{vid}-na");
    html! {
        @for o in scale.map(|s| s.options.as_slice()).unwrap_or_default() {
            @let oid = format!("{vid}-{}", html_id("o", &o.code));
            label for=(oid) {
                input type="radio" id=(oid) name=(name) value=(o.code)
                    checked[chosen == Some(o.code.as_str())] disabled[!enabled];
                (o.label.get(ctx.lang))
            }
        }
        label for=(naid) {
            input type="radio" id=(naid) name=(name) value=(NOT_APPLICABLE)
                checked[chosen == Some(NOT_APPLICABLE)] disabled[!enabled];
            (ctx.t("Tidak berlaku", "Not applicable"))
        }
    }
}

/// An answer in words: the option's label, or "tidak berlaku" with its justification.
pub(crate) fn answer_text(ctx: &Ctx, case: &Case, ind: &Indicator, a: Option<&Answer>) -> String {
    match a {
        None => ctx.t("(belum dijawab)", "(not answered)").to_owned(),
        Some(a) => match (&a.value, &a.not_applicable) {
            (Some(v), _) => case
                .instrument()
                .scale(&ind.scale)
                .and_then(|s| s.option(v))
                .map_or_else(|| v.clone(), |o| o.label.get(ctx.lang).to_owned()),
            (None, Some(j)) => format!("{}: {j}", ctx.t("Tidak berlaku", "Not applicable")),
            (None, None) => String::new(),
        },
    }
}

/// The page that asks to confirm removing one evidence file from an answer.
pub(crate) fn remove_url(ctx: &Ctx, case: &Case, indicator: &str, sha: &str) -> String {
    case.page(
        ctx,
        &format!(
            "/evidence/remove?indicator={}&sha256={}",
            urlencode(indicator),
            urlencode(sha)
        ),
    )
}

/// An answer's evidence: photo thumbnails and file names, each opening the
/// file; with `removable`, a link to remove each one from the answer.
pub(crate) fn evidence_list(
    ctx: &Ctx,
    case: &Case,
    indicator: &str,
    evs: &[EvidenceRef],
    removable: bool,
) -> Markup {
    html! {
        @if !evs.is_empty() {
            ul.thumbs {
                @for e in evs {
                    li {
                        @match &e.sha256 {
                            Some(sha) => {
                                a href=(case.evidence_url(sha)) target="_blank" rel="noopener" {
                                    @if case.is_image(sha) {
                                        img src=(case.thumbnail_url(sha)) alt=(format!("{}: {}", ctx.t("Foto bukti", "Evidence photo"), e.path)) loading="lazy";
                                    } @else {
                                        span.file { (e.path) " (PDF)" }
                                    }
                                }
                                @if removable {
                                    a.remove href=(remove_url(ctx, case, indicator, sha)) {
                                        (ctx.t("Hapus", "Remove"))
                                        span.visually-hidden { " " (e.path) }
                                    }
                                }
                            }
                            None => { span.file { (e.path) " (" (ctx.t("belum diunggah", "not uploaded")) ")" } }
                        }
                    }
                }
            }
        }
    }
}
