//! What the terminal shows while a roll-up runs: a progress bar on standard
//! error (only when it is a terminal) and each invalid record as it is found.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use p2ham_io::rollup::RollupObserver;
use p2ham_io::scoring::InvalidRecord;
use p2ham_report::invalid_record_lines;

/// Draws the bar (when asked for and standard error is a terminal) and prints
/// invalid records on standard error, above the bar.
pub(crate) struct Progress {
    enabled: bool,
    bar: ProgressBar,
}

impl Progress {
    /// A bar when `enabled` and standard error is a terminal; otherwise only
    /// the invalid records are printed.
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled: enabled && std::io::stderr().is_terminal(),
            bar: ProgressBar::hidden(),
        }
    }

    /// Remove the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl RollupObserver for Progress {
    fn start(&mut self, total_bytes: Option<u64>) {
        if !self.enabled {
            return;
        }
        self.bar = match total_bytes {
            Some(t) => ProgressBar::new(t).with_style(
                ProgressStyle::with_template(
                    "{spinner} rollup [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} rollup {bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
    }

    fn progress(&mut self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn invalid(&mut self, record: &InvalidRecord) {
        self.bar.suspend(|| {
            for line in invalid_record_lines(record) {
                crate::output::warn(&format!("{line}\n"));
            }
        });
    }
}
