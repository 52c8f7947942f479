//! What a bulk run prints: one line (or JSON object) per row, and the tally of outcomes.

use std::fmt;

use serde::Serialize;

use crate::journal::ErrorNote;
use crate::text::{cell, one_line};

/// One row's result on stdout.
#[derive(Debug, Serialize)]
pub(crate) struct RowReport {
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: Option<String>,
    /// placed, failed, unknown, or invalid (never sent).
    pub(crate) outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
    /// Set on a second report for a row whose unknown outcome the handler's logs settled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resolved_by: Option<&'static str>,
}

impl fmt::Display for RowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = match (&self.transaction_id, &self.error) {
            (Some(id), _) => id.clone(),
            (None, Some(error)) => match &error.code {
                Some(code) => format!("{code}: {}", one_line(&error.message)),
                None => one_line(&error.message),
            },
            (None, None) => String::new(),
        };
        write!(
            f,
            "{}\t{}\t{}\t{}",
            cell(&self.row),
            cell(self.to.as_deref().unwrap_or("")),
            self.outcome,
            detail
        )
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) placed: u64,
    pub(crate) failed: u64,
    pub(crate) unknown: u64,
    pub(crate) invalid: u64,
    pub(crate) skipped: u64,
}

impl Tally {
    pub(crate) fn done(&self) -> u64 {
        self.placed + self.failed + self.unknown + self.invalid
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} placed, {} failed, {} unknown, {} invalid",
            self.placed, self.failed, self.unknown, self.invalid
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped (already in the journal)", self.skipped)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_neutralises_the_cells_json_keeps_them_exact() {
        let report = RowReport {
            row: "5:+1\n2".into(),
            line: 5,
            to: Some(format!("+1\n2\t{}", "9".repeat(200))),
            outcome: "invalid",
            transaction_id: None,
            error: None,
            resolved_by: None,
        };
        let text = report.to_string();
        assert_eq!(text.matches('\t').count(), 3, "{text}");
        assert!(!text.contains('\n') && text.len() < 120, "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["to"], format!("+1\n2\t{}", "9".repeat(200)));
        assert_eq!(json["row"], "5:+1\n2");
    }
}
