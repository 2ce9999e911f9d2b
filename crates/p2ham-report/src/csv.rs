//! CSV projections: RFC 4180 quoting, `\n` line ends, every text cell
//! neutralised against formula injection and control characters
//! ([`crate::sanitize::csv_cell`]).
//! Each report's columns are a documented data contract (DESIGN.md).

/// A CSV document written into memory.
pub(crate) struct CsvText(csv::Writer<Vec<u8>>);

impl CsvText {
    /// An empty document.
    pub(crate) fn new() -> Self {
        Self(csv::Writer::from_writer(Vec::new()))
    }

    /// The header row (fixed column names, written as they are).
    pub(crate) fn header(&mut self, names: &[&str]) {
        self.0.write_record(names).expect("writing CSV to memory");
    }

    /// Append one record, each cell neutralised.
    pub(crate) fn row<I, T>(&mut self, record: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let cells: Vec<String> = record
            .into_iter()
            .map(|c| crate::sanitize::csv_cell(c.as_ref()).into_owned())
            .collect();
        // Writing into a Vec cannot fail.
        self.0.write_record(&cells).expect("writing CSV to memory");
    }

    /// The document as text.
    pub(crate) fn finish(self) -> String {
        let bytes = self.0.into_inner().expect("flushing CSV to memory");
        String::from_utf8(bytes).expect("every field is UTF-8 text")
    }
}
