//! `report --html`: one self-contained page a person would rather look at than read. Inline CSS
//! and SVG only, nothing fetched: it opens from a file, offline, in any browser. Every text from
//! the journal (batch names, row keys, numbers) is HTML-escaped.

use std::fmt::Write;

use super::ledger::{BatchLedger, RowLedger};
use super::summary::{BatchSummary, RowSummary};
use crate::call::DispositionKind;
use crate::journal::DialEntry;

/// Text from the journal as page text: HTML-escaped, and every control character (ESC, BEL, CR)
/// and bidirectional control (U+202E) shown as a visible `\u{..}` escape, never written raw.
fn escape(text: &str) -> String {
    html_escape::encode_text(&crate::text::printable(text)).into_owned()
}

/// The colour of each disposition, in the charts and the legend.
fn colour(kind: DispositionKind) -> &'static str {
    match kind {
        DispositionKind::Acknowledged => "#1b7a43",
        DispositionKind::Answered => "#2e9d5b",
        DispositionKind::Unacknowledged => "#9bc53d",
        DispositionKind::Busy => "#e0a100",
        DispositionKind::NoAnswer => "#f07c2a",
        DispositionKind::Rejected => "#c8553d",
        DispositionKind::NotPlaced => "#8a8f98",
        DispositionKind::Failed => "#b3261e",
        DispositionKind::Unknown => "#6d3fc0",
        DispositionKind::Live => "#2f7fd8",
        DispositionKind::Cancelled => "#a9adb5",
        DispositionKind::Guarded => "#7a5c3e",
    }
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1d1f23;padding:0 1rem}\
h1{font-size:1.35rem;margin:0 0 .2rem;word-break:break-all}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}\
.meta{color:#5a5f69;margin:0 0 1rem}.figures{display:flex;gap:1rem;flex-wrap:wrap;margin:.8rem 0}\
.figure{background:#f4f5f7;border-radius:8px;padding:.6rem .9rem;min-width:8rem}.figure b{display:block;font-size:1.3rem}\
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:.5rem 0}.legend span{display:inline-flex;align-items:center;gap:.35rem}\
.swatch{width:.8rem;height:.8rem;border-radius:2px;display:inline-block}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e5e8;font-variant-numeric:tabular-nums}\
th{color:#5a5f69;font-weight:600}section{margin-bottom:3rem}svg text{font:11px system-ui,sans-serif;fill:#5a5f69}\
.ok{color:#2e9d5b}";

/// The whole page for these batches.
pub(crate) fn page(batches: &[&BatchLedger], generated: &str) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>chimecall report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    if batches.is_empty() {
        html.push_str("<p>The journal holds no bulk run.</p>\n");
    }
    for batch in batches {
        section(&mut html, batch);
    }
    let _ = write!(
        html,
        "<p class=\"meta\">Made by chimecall report at {} from the call journal.</p>\n</body>\n</html>\n",
        escape(generated)
    );
    html
}

fn section(html: &mut String, batch: &BatchLedger) {
    let summary = BatchSummary::of(batch);
    let _ = write!(
        html,
        "<section class=\"batch\">\n<h1>{}</h1>\n<p class=\"meta\">{} to {} · {} · {}</p>\n",
        escape(&summary.batch),
        escape(summary.first.as_deref().unwrap_or("?")),
        escape(summary.last.as_deref().unwrap_or("?")),
        crate::text::count(summary.rows, "row", "rows"),
        crate::text::count(summary.attempts, "attempt", "attempts")
    );
    figures(html, &summary);
    html.push_str("<h2>How the rows ended</h2>\n");
    breakdown(html, &summary);
    acknowledged(html, &summary);
    html.push_str("<h2>Timeline: one bar per call, from placed to ended</h2>\n");
    timeline(html, batch);
    attention(html, batch);
    html.push_str("</section>\n");
}

fn figures(html: &mut String, summary: &BatchSummary) {
    let seconds = |ms: Option<i64>| {
        ms.map_or("–".to_string(), |ms| {
            format!("{:.1} s", ms as f64 / 1000.0)
        })
    };
    let rate = summary
        .answer_rate
        .map_or("–".to_string(), |rate| format!("{:.0}%", rate * 100.0));
    let _ = writeln!(
        html,
        "<div class=\"figures\">\
         <div class=\"figure\"><b>{rate}</b>answer rate</div>\
         <div class=\"figure\"><b>{}</b>median ring</div>\
         <div class=\"figure\"><b>{}</b>median duration</div>\
         <div class=\"figure\"><b>{}</b>still unknown</div>\
         <div class=\"figure\"><b>{}</b>still live</div></div>",
        seconds(summary.median_ring_ms),
        seconds(summary.median_duration_ms),
        summary.unknown,
        summary.live
    );
}

/// One stacked bar of the rows' final dispositions, and its legend.
fn breakdown(html: &mut String, summary: &BatchSummary) {
    const WIDTH: f64 = 1000.0;
    let total = summary.rows.max(1) as f64;
    let _ = writeln!(
        html,
        "<svg class=\"breakdown\" viewBox=\"0 0 {WIDTH} 36\" width=\"100%\" role=\"img\" aria-label=\"dispositions\">"
    );
    let mut x = 0.0;
    let mut legend = String::new();
    for kind in DispositionKind::ALL {
        let Some(&count) = summary.dispositions.get(kind.as_str()) else {
            continue;
        };
        let width = WIDTH * count as f64 / total;
        let _ = writeln!(
            html,
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{width:.1}\" height=\"36\" fill=\"{}\"><title>{kind}: {count}</title></rect>",
            colour(kind)
        );
        x += width;
        let _ = write!(
            legend,
            "<span><i class=\"swatch\" style=\"background:{}\"></i>{kind} {count}</span>",
            colour(kind)
        );
    }
    let _ = write!(html, "</svg>\n<div class=\"legend\">{legend}</div>\n");
    if !summary.digits.is_empty() {
        let entered: Vec<String> = summary
            .digits
            .iter()
            .map(|(digits, n)| format!("<b>{}</b> ×{n}", escape(digits)))
            .collect();
        let _ = writeln!(html, "<p>Digits entered: {}</p>", entered.join(", "));
    }
}

/// A bar per attempt from its dial to its end (or to now, for a call still live).
/// One bar of the timeline: a row's attempt, from its start to its end (epoch ms).
type Bar<'a> = (&'a RowLedger, &'a DialEntry, i64, i64);

/// The timeline's bars, grouped by tier (in the order of the file within each); whether the
/// batch has more than one tier.
fn bars(batch: &BatchLedger) -> (Vec<Bar<'_>>, bool) {
    let now = chimecall_model::clock::now_ms();
    let mut ordered: Vec<(u32, &RowLedger)> = batch
        .rows_in_order()
        .into_iter()
        .map(|row| (row.attempts.iter().map(|a| a.tier).min().unwrap_or(1), row))
        .collect();
    ordered.sort_by_key(|(tier, _)| *tier);
    let tiered = ordered.iter().any(|(tier, _)| *tier > 1);
    let mut bars = Vec::new();
    for (_, row) in ordered {
        for attempt in &row.attempts {
            let Some(start) = attempt.time_ms() else {
                continue;
            };
            let end = match (attempt.ring_ms, attempt.duration_ms) {
                (Some(ring), Some(duration)) => start + ring + duration,
                (Some(ring), None) => start + ring,
                _ => attempt
                    .ended_at
                    .as_deref()
                    .and_then(chimecall_model::clock::parse_rfc3339_ms)
                    .unwrap_or(if attempt.disposition() == DispositionKind::Live {
                        now
                    } else {
                        start
                    }),
            };
            bars.push((row, attempt, start, end.max(start)));
        }
    }
    (bars, tiered)
}

fn timeline(html: &mut String, batch: &BatchLedger) {
    const LEFT: f64 = 150.0;
    const WIDTH: f64 = 1000.0;
    const BAR: f64 = 8.0;
    const GAP: f64 = 3.0;
    let (bars, tiered) = bars(batch);
    if bars.is_empty() {
        html.push_str("<p>No call was placed.</p>\n");
        return;
    }
    let first = bars.iter().map(|b| b.2).min().unwrap_or(0);
    let last = bars
        .iter()
        .map(|b| b.3)
        .max()
        .unwrap_or(first)
        .max(first + 1000);
    let span = (last - first) as f64;
    let height = bars.len() as f64 * (BAR + GAP) + 24.0;
    let _ = writeln!(
        html,
        "<svg class=\"timeline\" viewBox=\"0 0 {} {height}\" width=\"100%\" role=\"img\" aria-label=\"timeline\">",
        LEFT + WIDTH + 10.0
    );
    for (index, (row, attempt, start, end)) in bars.iter().enumerate() {
        let y = index as f64 * (BAR + GAP);
        let x = LEFT + WIDTH * (start - first) as f64 / span;
        let width = (WIDTH * (end - start) as f64 / span).max(2.0);
        let disposition = attempt.disposition();
        let mut label = if attempt.attempt > 1 {
            format!("{} (attempt {})", row.key, attempt.attempt)
        } else {
            row.key.clone()
        };
        if tiered {
            label = format!("T{} · {label}", attempt.tier);
        }
        let _ = writeln!(
            html,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"call\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{BAR}\" rx=\"2\" fill=\"{}\">\
             <title>{} {}: {disposition}, {:.1} s</title></rect>",
            LEFT - 6.0,
            y + BAR,
            escape(&truncate(&label, 24)),
            colour(disposition),
            escape(&label),
            escape(&row.to),
            (end - start) as f64 / 1000.0
        );
    }
    // The moment of the batch's first success: a line across the timeline.
    if let Some(at) = BatchSummary::of(batch)
        .first_success
        .and_then(|first| chimecall_model::clock::parse_rfc3339_ms(&first.at))
        .filter(|at| (first..=last).contains(at))
    {
        let x = LEFT + WIDTH * (at - first) as f64 / span;
        let bottom = bars.len() as f64 * (BAR + GAP);
        let _ = writeln!(
            html,
            "<line class=\"first-success\" x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" \
             stroke=\"#1b7a43\" stroke-width=\"2\" stroke-dasharray=\"4 3\"><title>first success</title></line>"
        );
    }
    let axis_y = bars.len() as f64 * (BAR + GAP) + 14.0;
    let _ = writeln!(
        html,
        "<text x=\"{LEFT}\" y=\"{axis_y}\">0 s</text><text x=\"{}\" y=\"{axis_y}\" text-anchor=\"end\">{:.0} s</text>\n</svg>",
        LEFT + WIDTH,
        span / 1000.0
    );
}

/// Who acknowledged (`--ack`), and when.
fn acknowledged(html: &mut String, summary: &BatchSummary) {
    if summary.acknowledged.is_empty() {
        return;
    }
    html.push_str(
        "<h2>Who acknowledged</h2>\n<table class=\"acknowledged\">\n<tr><th>row</th><th>to</th>\
         <th>when</th><th>attempt</th></tr>\n",
    );
    for ack in &summary.acknowledged {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&ack.row),
            escape(&ack.to),
            escape(ack.at.as_deref().unwrap_or("?")),
            ack.attempt
        );
    }
    html.push_str("</table>\n");
}

/// The rows that did not end in success, with what is known of them.
fn attention(html: &mut String, batch: &BatchLedger) {
    let rows: Vec<RowSummary> = batch
        .rows_in_order()
        .into_iter()
        .filter(|row| !row.disposition().is_success())
        .map(|row| RowSummary::of(&batch.name, row))
        .collect();
    html.push_str("<h2>Rows that need attention</h2>\n");
    if rows.is_empty() {
        html.push_str("<p class=\"ok\">None: every row succeeded.</p>\n");
        return;
    }
    html.push_str(
        "<table class=\"attention\">\n<tr><th>row</th><th>line</th><th>to</th><th>disposition</th>\
         <th>attempts</th><th>SIP</th><th>digits</th><th>TransactionId</th></tr>\n",
    );
    for row in rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><i class=\"swatch\" style=\"background:{}\"></i> {}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.row),
            row.line,
            escape(&row.to),
            colour(row.disposition),
            row.disposition,
            row.attempts,
            escape(row.sip_response_code.as_deref().unwrap_or("")),
            escape(row.digits.as_deref().unwrap_or("")),
            escape(row.transaction_id.as_deref().unwrap_or(""))
        );
    }
    html.push_str("</table>\n");
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::ledger::RowLedger;

    #[test]
    fn control_and_bidi_characters_never_reach_the_page_raw() {
        let hostile = "INC\u{1b}[2J\u{7}\r<b>\u{202e}gnp.exe";
        let mut batch = BatchLedger {
            name: hostile.to_string(),
            ..BatchLedger::default()
        };
        batch.rows.insert(
            hostile.to_string(),
            RowLedger {
                key: hostile.to_string(),
                line: 2,
                to: hostile.to_string(),
                attempts: Vec::new(),
                redial: None,
                settled: None,
            },
        );
        let page = page(&[&batch], hostile);
        for raw in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
            assert!(!page.contains(raw), "{raw:?} in the page");
        }
        assert!(page.contains("INC\\u{1b}[2J"), "escaped visibly");
        assert!(
            page.contains("&lt;b&gt;\\u{202e}gnp.exe"),
            "HTML-escaped too"
        );
    }
}
