//! JSON Schemas of every document the CLI reads or writes, generated from the types.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

/// One published schema.
#[derive(Debug, Clone, Copy)]
pub struct SchemaKind {
    /// Short name, e.g. `instrument`; the file is `<name>.schema.json`.
    pub name: &'static str,
    /// Whether the CLI reads (`true`) or writes (`false`) this document.
    pub input: bool,
    /// One line on what the document is.
    pub about: &'static str,
    generate: fn() -> serde_json::Value,
}

fn input<T: JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().for_deserialize().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

fn output<T: JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// Every published schema, in a fixed order.
pub const SCHEMAS: &[SchemaKind] = &[
    SchemaKind {
        name: "instrument",
        input: true,
        about: "an instrument (p2ham-instrument/1)",
        generate: input::<p2ham_model::Instrument>,
    },
    SchemaKind {
        name: "assessment",
        input: true,
        about: "a self-assessment or verification (p2ham-assessment/1)",
        generate: input::<p2ham_model::Assessment>,
    },
    SchemaKind {
        name: "score",
        input: false,
        about: "the report of `p2ham score --format json` (p2ham-score/1)",
        generate: output::<p2ham_scoring::ScoreReport>,
    },
    SchemaKind {
        name: "validation",
        input: false,
        about: "the report of `p2ham validate --format json` (p2ham-validation/1)",
        generate: output::<crate::validate::ValidationReport>,
    },
    SchemaKind {
        name: "skm",
        input: false,
        about: "the report of `p2ham skm --format json` (p2ham-skm/1)",
        generate: output::<p2ham_scoring::skm::SkmReport>,
    },
    SchemaKind {
        name: "compare",
        input: false,
        about: "the report of `p2ham compare --format json` (p2ham-compare/1)",
        generate: output::<p2ham_scoring::ComparisonReport>,
    },
    SchemaKind {
        name: "evidence",
        input: false,
        about: "the report of `p2ham evidence verify --format json` (p2ham-evidence/1)",
        generate: output::<crate::evidence::EvidenceReport>,
    },
    SchemaKind {
        name: "rollup",
        input: false,
        about: "the report of `p2ham rollup --format json` (p2ham-rollup/1)",
        generate: output::<p2ham_scoring::RollupReport>,
    },
    SchemaKind {
        name: "awards",
        input: true,
        about: "an award list: `p2ham award --format json`, read back by `--previous` (p2ham-awards/1)",
        generate: input::<p2ham_model::AwardList>,
    },
    SchemaKind {
        name: "award-rule",
        input: true,
        about: "a period's award rule over the evaluation's other evidence: `p2ham award --rule`, \
                `PUT /api/v1/periods/{p}/award-rule` (p2ham-award-rule/1)",
        generate: input::<p2ham_model::PeriodAwardRule>,
    },
    SchemaKind {
        name: "award-components",
        input: true,
        about:
            "each unit's IKM, Zona Integritas status and complaints for a period: `p2ham award --components` \
                (p2ham-award-components/1)",
        generate: input::<p2ham_model::AwardComponents>,
    },
    SchemaKind {
        name: "history",
        input: false,
        about: "the report of `p2ham history --format json` (p2ham-history/1)",
        generate: output::<p2ham_scoring::HistoryReport>,
    },
    SchemaKind {
        name: "instrument-diff",
        input: false,
        about: "the report of `p2ham instrument diff --format json` (p2ham-instrument-diff/1)",
        generate: output::<p2ham_scoring::InstrumentDiff>,
    },
    SchemaKind {
        name: "seal",
        input: true,
        about: "the manifest a seal signs: `p2ham seal sign`, checked by `p2ham seal verify` (p2ham-seal/1)",
        generate: input::<crate::seal::SealManifest>,
    },
    SchemaKind {
        name: "audit-checkpoint",
        input: true,
        about:
            "a signed checkpoint of the application's audit log: `p2ham admin audit checkpoint`, checked by \
                `p2ham admin audit verify --checkpoint` (p2ham-audit-checkpoint/1)",
        generate: input::<crate::checkpoint::AuditCheckpoint>,
    },
    SchemaKind {
        name: "backup",
        input: true,
        about: "the manifest of a backup of the application's data: `p2ham admin backup`, checked by \
                `p2ham admin restore` (p2ham-backup/1)",
        generate: input::<crate::backup::BackupManifest>,
    },
    SchemaKind {
        name: "public-units",
        input: false,
        about: "the public record of a published period's units: `/publik/data/{period}/units.json` of the \
                application (p2ham-public-units/1)",
        generate: output::<crate::public::PublicUnits>,
    },
];

impl SchemaKind {
    /// The schema as JSON, with `$id` naming the published file.
    pub fn schema(&self) -> serde_json::Value {
        let mut v = (self.generate)();
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "$id".into(),
                format!("https://p2ham.github.io/schema/{}.schema.json", self.name).into(),
            );
        }
        v
    }

    /// The schema as pretty JSON text with a final newline, as published in `docs/schema/`.
    pub fn to_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.schema()).expect("a schema is always serialisable");
        s.push('\n');
        s
    }
}

/// The schema named `name`.
pub fn schema_kind(name: &str) -> Option<&'static SchemaKind> {
    SCHEMAS.iter().find(|s| s.name == name)
}
