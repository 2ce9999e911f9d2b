//! The number and date policy, in one place: figures are written with a
//! decimal point and the decimals they were computed with (scores rounded once
//! to 2), in every language and every format, so a figure reads the same in
//! text, a spreadsheet and the JSON; an absent figure is `tidak ada data` /
//! `no data`; dates are ISO `YYYY-MM-DD` except in letters, which write them out.

use p2ham_model::{Decimal, Lang};

use crate::labels;

/// A figure as written in every report: `96.15`, `-3.8462`.
pub fn decimal(d: Decimal) -> String {
    d.to_string()
}

/// "no data" in the chosen language.
pub fn no_data(lang: Lang) -> &'static str {
    labels::NO_DATA.get(lang)
}

/// A figure, or "no data".
pub fn figure(d: Option<Decimal>, lang: Lang) -> String {
    d.map_or_else(|| no_data(lang).to_owned(), decimal)
}

/// A figure, or `—` when absent.
pub fn figure_or_dash(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), decimal)
}

/// A `YYYY-MM-DD` date written out (`22 Maret 2023`); anything else as given, or `—`.
pub fn long_date(date: Option<&str>, lang: Lang) -> String {
    let Some(d) = date else {
        return "—".to_owned();
    };
    let parts: Vec<&str> = d.split('-').collect();
    if let [y, m, day] = parts[..] {
        if let (Ok(m), Ok(day)) = (m.parse::<usize>(), day.parse::<u32>()) {
            if (1..=12).contains(&m) && y.len() == 4 {
                return format!("{day} {} {y}", labels::MONTHS[m - 1].get(lang));
            }
        }
    }
    d.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out() {
        assert_eq!(long_date(Some("2023-03-22"), Lang::Id), "22 Maret 2023");
        assert_eq!(long_date(Some("2023-12-01"), Lang::En), "1 December 2023");
        assert_eq!(long_date(Some("kemarin"), Lang::En), "kemarin");
        assert_eq!(long_date(None, Lang::Id), "—");
    }

    #[test]
    fn figures_use_a_point_in_every_language() {
        let d = Decimal::new(8745, 2);
        assert_eq!(figure(Some(d), Lang::Id), "87.45");
        assert_eq!(figure(None, Lang::Id), "tidak ada data");
        assert_eq!(figure(None, Lang::En), "no data");
    }
}
