//! The diagnostic codes are a wire format: the list is snapshot-tested (a
//! renamed or removed code fails here), and `docs/diagnostics.md` is the
//! registry's own reference. Regenerate the page after adding a code with
//! `P2HAM_UPDATE_DOCS=1 cargo test -p p2ham-model --test diagnostics`.

use p2ham_model::Code;

const HEAD: &str = "\
# Diagnostic codes

<!-- Generated from `p2ham_model::Code` by `P2HAM_UPDATE_DOCS=1 cargo test -p p2ham-model --test diagnostics`; do not edit. -->

Every problem p2ham reports carries a stable code that names the rule broken.
Codes are stable: a message's wording may change between versions, a code
never does, and codes are only ever added. The same codes are used by every
command, every report (`p2ham validate --format json`, the roll-up's invalid
records) and the application's API (`diagnostics[].code`).

A diagnostic names the file, the path inside the document (`.field` and
`[index]`, 0-based, e.g. `criteria[1].indicators[4].scale`; an empty path
means the whole document), the line and column when known, and for a problem
inside one answer or one indicator the indicator's id:

```
my-unit.json: answers[3].value (indicator A.07): error[unknown-option]: `mungkin` is not an option of scale `ada-proses-tidak`; expected one of: ada, proses, tidak
```

In JSON the indicator is the `indicator` field of the diagnostic.

";

fn page() -> String {
    format!("{HEAD}{}", Code::reference_table())
}

#[test]
fn the_list_of_codes_never_changes_except_by_addition() {
    let list: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    insta::assert_snapshot!(list.join("\n"));
}

#[test]
fn the_reference_page_is_generated_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/diagnostics.md");
    let want = page();
    if std::env::var("P2HAM_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/diagnostics.md differs from the registry; regenerate with \
         `P2HAM_UPDATE_DOCS=1 cargo test -p p2ham-model --test diagnostics`"
    );
}
