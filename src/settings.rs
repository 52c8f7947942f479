//! chimecall's own settings, so an operator selects an environment with `--profile` (or
//! `AWS_PROFILE`) alone: `chimecall_sma_id`, `chimecall_from`, `chimecall_log_group`,
//! `chimecall_guard` and `chimecall_journal` in the selected profile of the AWS shared config file (`~/.aws/config`, or `AWS_CONFIG_FILE`), set
//! with `aws configure set chimecall_sma_id ... --profile ops`. A flag wins over its CHIMECALL_*
//! variable, which wins over the profile.
//!
//! The files are parsed by aws-config's own profile loader, so they mean here exactly what they
//! mean to the SDK and the AWS CLI; they are read and checked first by `aws::profile_files`
//! (a regular file, bounded, UTF-8, parsable, or exit 3 naming it).

use std::borrow::Cow;
use std::collections::BTreeMap;

use aws_config::profile::{Profile, ProfileFileLoadError};
use aws_types::os_shim_internal::{Env, Fs};

use crate::aws::profile_files;
use crate::exit::{Exit, Failure};
use crate::output::Output;

/// A setting chimecall takes from a flag, a variable, or the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Setting {
    SmaId,
    From,
    LogGroup,
    /// The per-number guard's limits (`crate::guard`).
    Guard,
    /// Where the call journal is: a file, or `dynamodb:TABLE` (`crate::journal`).
    Journal,
}

impl Setting {
    const ALL: [Setting; 5] = [
        Setting::SmaId,
        Setting::From,
        Setting::LogGroup,
        Setting::Guard,
        Setting::Journal,
    ];

    pub(crate) fn variable(self) -> &'static str {
        match self {
            Setting::SmaId => "CHIMECALL_SMA_ID",
            Setting::From => "CHIMECALL_FROM",
            Setting::LogGroup => "CHIMECALL_LOG_GROUP",
            Setting::Guard => "CHIMECALL_GUARD",
            Setting::Journal => "CHIMECALL_JOURNAL",
        }
    }

    pub(crate) fn flag(self) -> &'static str {
        match self {
            Setting::SmaId => "--sma-id",
            Setting::From => "--from",
            Setting::LogGroup => "--log-group",
            Setting::Guard => "--guard",
            Setting::Journal => "--journal",
        }
    }

    pub(crate) fn profile_key(self) -> &'static str {
        match self {
            Setting::SmaId => "chimecall_sma_id",
            Setting::From => "chimecall_from",
            Setting::LogGroup => "chimecall_log_group",
            Setting::Guard => "chimecall_guard",
            Setting::Journal => "chimecall_journal",
        }
    }
}

/// The flag's value (even empty: what was typed is checked and refused), else the variable's,
/// where an empty value counts as unset.
pub(crate) fn from_flag_or_environment(setting: Setting, flag: Option<String>) -> Option<String> {
    flag.or_else(|| {
        std::env::var(setting.variable())
            .ok()
            .filter(|value| !value.is_empty())
    })
}

/// chimecall's keys of the selected profile.
#[derive(Debug, Default)]
pub(crate) struct ProfileSettings {
    values: BTreeMap<Setting, String>,
}

impl ProfileSettings {
    pub(crate) fn get(&self, setting: Setting) -> Option<&str> {
        self.values.get(&setting).map(String::as_str)
    }
}

/// Reads the selected profile (`--profile`, else AWS_PROFILE, else `default`) from the shared
/// config and credentials files. Missing files or a missing profile give no settings (the SDK
/// reports a profile it cannot find when it looks for credentials); a file that is not a
/// regular file, too large, unreadable, not UTF-8, or cannot be parsed is refused with its path
/// (and line).
pub(crate) async fn load_profile(
    profile: Option<&str>,
    output: &Output,
) -> Result<ProfileSettings, Failure> {
    let selected = profile.map(|name| Cow::Owned(name.to_string()));
    let files = profile_files::read().await?;
    let profiles =
        match aws_config::profile::load(&Fs::real(), &Env::real(), &files, selected).await {
            Ok(profiles) => profiles,
            Err(error) => return Err(unreadable(&error)),
        };
    let Some(profile) = profiles.get_profile(profiles.selected_profile()) else {
        return Ok(ProfileSettings::default());
    };
    for key in unknown_chimecall_keys(profile) {
        output.note(format!(
            "warning: profile {}: unknown setting {} (chimecall reads {})",
            crate::text::cell(profile.name()),
            crate::text::cell(&key),
            Setting::ALL.map(Setting::profile_key).join(", ")
        ));
    }
    let values = Setting::ALL
        .into_iter()
        .filter_map(|setting| {
            let value = profile.get(setting.profile_key())?.trim();
            (!value.is_empty()).then(|| (setting, value.to_string()))
        })
        .collect();
    Ok(ProfileSettings { values })
}

fn unreadable(error: &ProfileFileLoadError) -> Failure {
    // The parse error, the cause, names the file and the line.
    let mut message = format!("cannot read the AWS config files: {error}");
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    Failure::new(Exit::Config, message)
}

/// The profile's keys that start with `chimecall_` but are none of chimecall's settings (a typo
/// would otherwise be silently ignored). aws-config offers no way to list a profile's keys, so
/// they are read from its debug rendering, where each key appears quoted before `: Property`;
/// the unit test below fails if aws-config ever renders profiles differently.
fn unknown_chimecall_keys(profile: &Profile) -> Vec<String> {
    let rendered = format!("{profile:?}");
    let mut keys = Vec::new();
    let mut rest = rendered.as_str();
    while let Some(start) = rest.find("\"chimecall_") {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let key = &after[..end];
        // A key is never escaped inside a string, and holds only key characters.
        let escaped = rest[..start].ends_with('\\');
        let key_like = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let is_key = !escaped && key_like && after[end + 1..].starts_with(": Property");
        let known = Setting::ALL.iter().any(|s| s.profile_key() == key);
        if is_key && !known && !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
        rest = &after[end..];
    }
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_config::profile::Property;
    use std::collections::HashMap;

    fn profile(pairs: &[(&str, &str)]) -> Profile {
        let properties: HashMap<String, Property> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Property::new(k.to_string(), v.to_string())))
            .collect();
        Profile::new("ops", properties)
    }

    #[test]
    fn unknown_chimecall_keys_are_found_and_known_ones_are_not() {
        let profile = profile(&[
            ("chimecall_sma_id", "sma-1"),
            ("chimecall_form", "+12065550100"),
            ("region", "us-east-1"),
            ("chimecall_log_grup", "\"chimecall_in_a_value\": Property"),
        ]);
        assert_eq!(
            unknown_chimecall_keys(&profile),
            ["chimecall_form", "chimecall_log_grup"]
        );
        assert!(unknown_chimecall_keys(&self::profile(&[("chimecall_from", "x")])).is_empty());
    }
}
