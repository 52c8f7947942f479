//! The model's rules for members that several operations share: required members, log group and
//! stream names, and page sizes, each refused in AWS's words.

use super::error::{constraint, LogsError};

pub(super) fn required<T>(member: &str, value: Option<T>) -> Result<T, LogsError> {
    value.ok_or_else(|| constraint(member, "null", "Member must not be null"))
}

pub(super) fn is_group_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".-_/#".contains(c)
}

pub(super) fn check_group_name(member: &str, name: &str) -> Result<(), LogsError> {
    if name.is_empty() || name.len() > 512 {
        return Err(constraint(
            member,
            name,
            "Member must have length between 1 and 512",
        ));
    }
    if !name.chars().all(is_group_name_char) {
        return Err(constraint(
            member,
            name,
            r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
        ));
    }
    Ok(())
}

pub(super) fn check_stream_name(member: &str, name: &str) -> Result<(), LogsError> {
    if name.is_empty() || name.len() > 512 {
        return Err(constraint(
            member,
            name,
            "Member must have length between 1 and 512",
        ));
    }
    if name.contains([':', '*']) {
        return Err(constraint(
            member,
            name,
            "Member must satisfy regular expression pattern: [^:*]*",
        ));
    }
    Ok(())
}

/// A page size within 1..=max; absent means max, which is the default of both operations.
pub(super) fn check_limit(member: &str, limit: Option<i64>, max: i64) -> Result<usize, LogsError> {
    match limit {
        None => Ok(max as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(constraint(
            member,
            n,
            &format!("Member must have value between 1 and {max}"),
        )),
    }
}
