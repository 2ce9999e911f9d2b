//! # p2ham-scoring
//!
//! placeholder

pub mod skm;

/// Errors of the scoring engines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// The assessment does not fit its instrument.
    #[error(transparent)]
    Model(#[from] p2ham_model::ModelError),
    /// A sum or product left the range of exact decimals.
    #[error("arithmetic overflow while computing {what}")]
    Overflow {
        /// The figure being computed.
        what: String,
    },
}
