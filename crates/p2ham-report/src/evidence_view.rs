//! The evidence files a report shows beside its indicators.

use crate::doc::Image;

/// Evidence files to show in a report, by indicator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceView {
    images: Vec<Image>,
}

impl EvidenceView {
    /// A view of these files (in the order they are to be shown).
    pub fn new(images: Vec<Image>) -> Self {
        Self { images }
    }

    /// The files referenced by any of these indicators, in order.
    pub fn images_for(&self, indicators: &[&str]) -> Vec<Image> {
        self.images
            .iter()
            .filter(|i| indicators.contains(&i.indicator.as_str()))
            .cloned()
            .collect()
    }

    /// Every file.
    pub fn images(&self) -> &[Image] {
        &self.images
    }
}
