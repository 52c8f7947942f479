//! The header row: which column goes where (`to`, `from`, `id`, `say`, `say_ssml`, `arg.KEY`,
//! `sip.NAME`).

use chimecall_model::rules;

use crate::exit::Failure;

/// Where each column goes.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) to: usize,
    pub(crate) from: Option<usize>,
    pub(crate) id: Option<usize>,
    /// The row's message to speak, as plain text or as SSML (`--say`, `--say-ssml`).
    pub(crate) say: Option<usize>,
    pub(crate) say_ssml: Option<usize>,
    /// The row's tier: escalation order (1 when absent).
    pub(crate) tier: Option<usize>,
    pub(crate) arguments: Vec<(String, usize)>,
    pub(crate) sip_headers: Vec<(String, usize)>,
    pub(crate) width: usize,
}

impl Header {
    /// Reads the header row; its problems stop the run before anything is dialed.
    pub(crate) fn parse(fields: &csv::ByteRecord, line: u64) -> Result<Header, Failure> {
        let bad = |problem: String| Failure::usage(format!("line {line} (header): {problem}"));
        let mut to = None;
        let mut from = None;
        let mut id = None;
        let mut say = None;
        let mut say_ssml = None;
        let mut tier = None;
        let mut arguments = Vec::new();
        let mut sip_headers = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        // SIP header names ignore case: sip.X-Ticket and sip.x-ticket name one header.
        let mut sip_seen = std::collections::BTreeSet::new();
        for (index, raw) in fields.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| bad(format!("column {} is not UTF-8", index + 1)))?
                .trim()
                .trim_start_matches('\u{feff}');
            if !seen.insert(name.to_string()) {
                return Err(bad(format!("column {} appears twice", rules::quoted(name))));
            }
            match name {
                "to" => to = Some(index),
                "from" => from = Some(index),
                "id" => id = Some(index),
                "say" => say = Some(index),
                "say_ssml" => say_ssml = Some(index),
                "tier" => tier = Some(index),
                _ => {
                    if let Some(key) = name.strip_prefix("arg.").filter(|k| !k.is_empty()) {
                        arguments.push((key.to_string(), index));
                    } else if let Some(header) = name.strip_prefix("sip.").filter(|k| !k.is_empty())
                    {
                        rules::check_sip_header(header, "").map_err(|v| {
                            bad(format!("column {}: {}", rules::quoted(name), v.problem))
                        })?;
                        if !sip_seen.insert(header.to_ascii_lowercase()) {
                            return Err(bad(format!(
                                "column {} names a SIP header of an earlier column (SIP header names ignore case)",
                                rules::quoted(name)
                            )));
                        }
                        sip_headers.push((header.to_string(), index));
                    } else {
                        return Err(bad(format!(
                            "unknown column {}: expected to, from, id, say, say_ssml, tier, arg.KEY \
                             or sip.NAME",
                            rules::quoted(name)
                        )));
                    }
                }
            }
        }
        let to = to.ok_or_else(|| bad("there is no `to` column".to_string()))?;
        if arguments.len() > rules::MAX_MAP_ENTRIES {
            return Err(bad(format!(
                "{} arg. columns: at most {} ArgumentsMap entries are allowed",
                arguments.len(),
                rules::MAX_MAP_ENTRIES
            )));
        }
        Ok(Header {
            to,
            from,
            id,
            say,
            say_ssml,
            tier,
            arguments,
            sip_headers,
            width: fields.len(),
        })
    }
}
