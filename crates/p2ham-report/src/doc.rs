//! The report document model: what a report says, apart from how a backend
//! writes it. Every text in a [`Doc`] is raw (possibly hostile) text from the
//! documents read; each backend cleans it once, at its own boundary.

use p2ham_model::{Decimal, Lang};

/// A report built once, rendered by any backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The title (first line, page title, first sheet's heading).
    pub title: String,
    /// The language the labels are in.
    pub lang: Lang,
    /// Key/value lines under the title: unit, period, instrument, digests.
    pub meta: Vec<(String, String)>,
    /// The body, in order.
    pub blocks: Vec<Block>,
}

impl Doc {
    /// An empty document with this title.
    pub fn new(title: impl Into<String>, lang: Lang) -> Self {
        Self {
            title: title.into(),
            lang,
            meta: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// Add a key/value line under the title.
    pub fn meta(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.meta.push((key.into(), value.into()));
    }

    /// Add a block.
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Add a section heading (level 2).
    pub fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level: 2,
            text: text.into(),
        });
    }

    /// Add a sub-section heading (level 3).
    pub fn subheading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level: 3,
            text: text.into(),
        });
    }

    /// Add a paragraph.
    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph {
            text: text.into(),
            strong: false,
        });
    }

    /// Add an emphasised paragraph (a headline figure).
    pub fn strong(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph {
            text: text.into(),
            strong: true,
        });
    }

    /// Add a note in small print.
    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }

    /// The same document with `f` applied to every text in it (a backend's
    /// cleaning, done once at its boundary).
    #[must_use]
    pub fn map_text(&self, f: impl Fn(&str) -> String) -> Doc {
        let f = &f;
        let pairs = |v: &[(String, String)]| v.iter().map(|(k, x)| (f(k), f(x))).collect::<Vec<_>>();
        let cell = |c: &Cell| match c {
            Cell::Text(s) => Cell::Text(f(s)),
            Cell::Styled(s, class) => Cell::Styled(f(s), class),
            other => other.clone(),
        };
        let block = |b: &Block| match b {
            Block::Heading { level, text } => Block::Heading {
                level: *level,
                text: f(text),
            },
            Block::Paragraph { text, strong } => Block::Paragraph {
                text: f(text),
                strong: *strong,
            },
            Block::List { items, numbered } => Block::List {
                items: items.iter().map(|i| f(i)).collect(),
                numbered: *numbered,
            },
            Block::KeyValue(v) => Block::KeyValue(pairs(v)),
            Block::Table(t) => Block::Table(Table {
                name: f(&t.name),
                columns: t.columns.iter().map(|(h, a)| (f(h), *a)).collect(),
                rows: t.rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
            }),
            Block::Verdict(v) => Block::Verdict(Verdict {
                label: f(&v.label),
                eligible: v.eligible,
                decision: f(&v.decision),
                rule: f(&v.rule),
                reasons: v.reasons.iter().map(|r| f(r)).collect(),
            }),
            Block::BarChart(c) => Block::BarChart(BarChart {
                title: f(&c.title),
                bars: c.bars.iter().map(|(l, v)| (f(l), *v)).collect(),
                max: c.max,
                mark: c.mark.as_ref().map(|(v, l)| (*v, f(l))),
            }),
            Block::Note(t) => Block::Note(f(t)),
            Block::Lines(l) => Block::Lines(l.iter().map(|x| f(x)).collect()),
            Block::Images(images) => Block::Images(images.iter().map(|i| i.map_text(&f)).collect()),
            Block::Beside(b) => Block::Beside(Beside {
                labels: b.labels.clone().map(|l| f(&l)),
                rows: b
                    .rows
                    .iter()
                    .map(|(ind, one, two)| {
                        (
                            f(ind),
                            one.iter().map(|i| i.map_text(&f)).collect(),
                            two.iter().map(|i| i.map_text(&f)).collect(),
                        )
                    })
                    .collect(),
            }),
        };
        Doc {
            title: f(&self.title),
            lang: self.lang,
            meta: pairs(&self.meta),
            blocks: self.blocks.iter().map(block).collect(),
        }
    }

    /// The tables of the document, in order (the sheets of a workbook).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// One block of a report's body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Block {
    /// A section heading; level 2 (section) or 3 (sub-section).
    Heading {
        /// 2 or 3.
        level: u8,
        /// The heading.
        text: String,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The text (one line; line breaks inside are shown as spaces).
        text: String,
        /// Whether it is emphasised.
        strong: bool,
    },
    /// A bulleted (or numbered) list.
    List {
        /// The items.
        items: Vec<String>,
        /// Numbered `1.`, `2.`, … instead of bulleted.
        numbered: bool,
    },
    /// Key/value pairs.
    KeyValue(Vec<(String, String)>),
    /// A table.
    Table(Table),
    /// An award decision with its rule and every reason.
    Verdict(Verdict),
    /// A horizontal bar chart.
    BarChart(BarChart),
    /// Small print.
    Note(String),
    /// Lines shown verbatim (diagnostics), one per line.
    Lines(Vec<String>),
    /// A gallery of evidence files: photos embedded, others linked or marked.
    Images(Vec<Image>),
    /// Two sources' evidence side by side, per indicator: the operator's and
    /// the verification team's.
    Beside(Beside),
}

/// Evidence of two sources side by side, one row per indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Beside {
    /// The sources' names (`Operator`, `Tim verifikasi`) and the indicator column's.
    pub labels: [String; 3],
    /// Per indicator: its id, the first source's files, the second's.
    pub rows: Vec<(String, Vec<Image>, Vec<Image>)>,
}

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Figures.
    Right,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// Text with a style class (a status), for backends that colour it.
    Styled(String, &'static str),
    /// An exact figure (a number in a spreadsheet).
    Number(Decimal),
    /// A count.
    Int(i64),
}

impl Cell {
    /// Text, or [`Cell::Empty`] when empty.
    pub fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// A count.
    pub fn int(n: impl TryInto<i64>) -> Self {
        n.try_into().map_or(Cell::Empty, Cell::Int)
    }

    /// A figure, or `no data` text when absent.
    pub fn figure(d: Option<Decimal>, lang: Lang) -> Self {
        match d {
            Some(d) => Cell::Number(d),
            None => Cell::Text(crate::number::no_data(lang).to_owned()),
        }
    }

    /// A figure, or empty when absent.
    pub fn opt(d: Option<Decimal>) -> Self {
        d.map_or(Cell::Empty, Cell::Number)
    }

    /// The cell as text (figures by the number policy).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Styled(s, _) => s.clone(),
            Cell::Number(d) => crate::number::decimal(*d),
            Cell::Int(n) => n.to_string(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::text(s)
    }
}

impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Self {
        Cell::Number(d)
    }
}

/// A table: a name (its sheet in a workbook), columns and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// A short name: the sheet's name in a workbook.
    pub name: String,
    /// Column headers and alignments.
    pub columns: Vec<(String, Align)>,
    /// Rows, each as wide as the header.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these columns.
    pub fn new(name: impl Into<String>, columns: &[(&str, Align)]) -> Self {
        Self {
            name: name.into(),
            columns: columns.iter().map(|(h, a)| ((*h).to_owned(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row (cells beyond the header width are dropped, missing ones are empty).
    pub fn row(&mut self, mut cells: Vec<Cell>) {
        cells.resize(self.columns.len(), Cell::Empty);
        self.rows.push(cells);
    }
}

/// An award decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The label in front (`Predikat`).
    pub label: String,
    /// Whether the decision is positive.
    pub eligible: bool,
    /// The decision in words (`MEMENUHI SYARAT`).
    pub decision: String,
    /// The rule applied (`batas total 75, minimum per kriteria 60`).
    pub rule: String,
    /// Every reason, when the decision is negative.
    pub reasons: Vec<String>,
}

/// A horizontal bar chart of figures on a fixed scale.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// What it shows.
    pub title: String,
    /// Bars: label and figure (`None`: no data).
    pub bars: Vec<(String, Option<Decimal>)>,
    /// The top of the scale (100 for scores).
    pub max: Decimal,
    /// A marked value on the scale (the pass mark) and its label.
    pub mark: Option<(Decimal, String)>,
}

/// An evidence file shown in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// The indicator it supports.
    pub indicator: String,
    /// Its path, as the assessment writes it.
    pub path: String,
    /// What it shows, as the assessment says (may be empty).
    pub caption: String,
    /// What is wrong with it in words (`berubah`, `tidak ditemukan: …`), or empty.
    pub problem: String,
    /// Whether the file fails the evidence check (missing, altered, refused, unreadable).
    pub fails: bool,
    /// What was found.
    pub content: ImageContent,
}

impl Image {
    /// The image with its text passed through `f`.
    fn map_text(&self, f: &impl Fn(&str) -> String) -> Image {
        Image {
            indicator: f(&self.indicator),
            path: f(&self.path),
            caption: f(&self.caption),
            problem: f(&self.problem),
            ..self.clone()
        }
    }
}

/// What an evidence file holds, as far as a report shows it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ImageContent {
    /// A photo, scaled down: its media type and bytes.
    Thumbnail {
        /// `image/jpeg` or `image/png`.
        mime: &'static str,
        /// The encoded image.
        bytes: Vec<u8>,
    },
    /// Another file (a PDF): linked by name.
    Linked,
    /// Nothing to show (missing, refused, unreadable).
    Absent,
    /// A file served at an address (the application's): a photo's thumbnail
    /// shown (when it is a photo) linking to the original.
    Served {
        /// The thumbnail's address, for a photo.
        thumbnail: Option<String>,
        /// The original's address.
        original: String,
    },
}

/// The marker of item `n` (from 0) of a list: `1.` or `-`.
pub(crate) fn bullet(n: usize, numbered: bool) -> String {
    if numbered {
        format!("{}.", n + 1)
    } else {
        "-".to_owned()
    }
}
