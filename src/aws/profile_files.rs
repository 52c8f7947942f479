//! The AWS shared config and credentials files, read by chimecall itself before the SDK sees
//! them, so that a file the SDK would skip or choke on is refused with its path and the reason.
//!
//! Left to itself, aws-config reads a file that is not UTF-8 as empty, after logging a warning
//! that holds the whole file as a list of decimal bytes (secret access key included); it ignores
//! a config file that is a directory or unreadable; it reads a device to the end and blocks on a
//! FIFO. Here each file is found as the SDK finds it (`AWS_CONFIG_FILE`,
//! `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`), must be a
//! regular file of at most [`MAX_BYTES`], valid UTF-8, and parse; its text is then handed to
//! the SDK (`EnvConfigFiles::with_contents`), which never opens the files itself. A file that is
//! not there is no file, as for the SDK.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use aws_config::profile::ProfileFileLoadError;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};

use crate::exit::{Exit, Failure};
use crate::regular_file::{self, Refusal};
use crate::text::printable;

/// The largest profile file read: 8 MiB, tens of thousands of profiles.
pub(crate) const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Both files, checked, as the SDK takes them.
pub(crate) async fn read() -> Result<EnvConfigFiles, Failure> {
    let home = aws_runtime::fs_util::home_dir(&Env::real(), aws_runtime::fs_util::Os::real());
    let mut files = EnvConfigFiles::builder();
    let mut found = false;
    for kind in [EnvConfigFileKind::Config, EnvConfigFileKind::Credentials] {
        let variable = std::env::var_os(variable_of(kind));
        let Some(path) = path_of(kind, variable, home.as_deref()) else {
            continue;
        };
        if let Some(text) = read_one(kind, &path).await? {
            files = files.with_contents(kind, text);
            found = true;
        }
    }
    if !found {
        // The SDK wants at least one file: an empty one is no file.
        files = files.with_contents(EnvConfigFileKind::Config, String::new());
    }
    Ok(files.build())
}

fn variable_of(kind: EnvConfigFileKind) -> &'static str {
    match kind {
        EnvConfigFileKind::Config => "AWS_CONFIG_FILE",
        EnvConfigFileKind::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
    }
}

fn name_of(kind: EnvConfigFileKind) -> &'static str {
    match kind {
        EnvConfigFileKind::Config => "AWS config file",
        EnvConfigFileKind::Credentials => "AWS credentials file",
    }
}

/// The file's path as the SDK finds it: the variable (even empty), else the default; a leading
/// `~` is the home directory. Without a home directory the default file is not looked for.
fn path_of(
    kind: EnvConfigFileKind,
    variable: Option<OsString>,
    home: Option<&str>,
) -> Option<PathBuf> {
    let path = variable.map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(match kind {
            EnvConfigFileKind::Config => "~/.aws/config",
            EnvConfigFileKind::Credentials => "~/.aws/credentials",
        })
    });
    match path.strip_prefix("~") {
        Ok(rest) => Some(Path::new(home?).join(rest)),
        Err(_) => Some(path),
    }
}

/// The file's text, `None` when there is no file; refused with exit 3, naming it, when it is
/// not a regular file, too large, unreadable, not UTF-8, or cannot be parsed. Nothing of the
/// file's contents is ever quoted.
async fn read_one(kind: EnvConfigFileKind, path: &Path) -> Result<Option<String>, Failure> {
    let refuse = |why: String| {
        Failure::new(
            Exit::Config,
            format!(
                "{} {}: {why}",
                name_of(kind),
                printable(&path.to_string_lossy())
            ),
        )
    };
    let bytes = match regular_file::read(path, MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(Refusal::Missing) => {
            tracing::debug!(path = %path.display(), "no {}", name_of(kind));
            return Ok(None);
        }
        Err(refusal) => return Err(refuse(refusal.to_string())),
    };
    let text = String::from_utf8(bytes).map_err(|error| {
        let (line, byte) = regular_file::first_non_utf8(error.as_bytes()).unwrap_or((1, 1));
        refuse(format!(
            "line {line}: byte {byte} is not UTF-8 (the AWS SDK would ignore the whole file); \
             save it as UTF-8"
        ))
    })?;
    let alone = EnvConfigFiles::builder()
        .with_contents(kind, text.clone())
        .build();
    if let Err(error) = aws_config::profile::load(&Fs::real(), &Env::real(), &alone, None).await {
        return Err(refuse(unparsable(&error)));
    }
    Ok(Some(text))
}

/// The parse error without the file name the SDK leaves empty for text it was given:
/// `line 3: Expected a profile definition`.
fn unparsable(error: &ProfileFileLoadError) -> String {
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message = inner.to_string();
        cause = inner.source();
    }
    // "error parsing  on line 3:\n  Expected a profile definition"
    match message.split_once(" on line ") {
        Some((_, place)) => {
            let (line, why) = place.split_once(':').unwrap_or((place, ""));
            format!("line {}: {}", line.trim(), why.trim())
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_found_as_the_sdk_finds_them() {
        let config = EnvConfigFileKind::Config;
        let credentials = EnvConfigFileKind::Credentials;
        assert_eq!(
            path_of(config, None, Some("/home/a")),
            Some(PathBuf::from("/home/a/.aws/config"))
        );
        assert_eq!(
            path_of(credentials, None, Some("/home/a")),
            Some(PathBuf::from("/home/a/.aws/credentials"))
        );
        assert_eq!(
            path_of(config, Some("/etc/aws".into()), Some("/home/a")),
            Some(PathBuf::from("/etc/aws"))
        );
        assert_eq!(
            path_of(config, Some("~/work/config".into()), Some("/home/a")),
            Some(PathBuf::from("/home/a/work/config"))
        );
        assert_eq!(path_of(config, None, None), None);
        // `~x` is a name, not the home directory.
        assert_eq!(
            path_of(config, Some("~x/config".into()), Some("/home/a")),
            Some(PathBuf::from("~x/config"))
        );
    }

    async fn refusal(kind: EnvConfigFileKind, path: &Path) -> String {
        read_one(kind, path).await.unwrap_err().to_string()
    }

    #[tokio::test]
    async fn each_file_is_checked_and_named_when_refused() {
        let dir = tempfile::tempdir().unwrap();
        let credentials = EnvConfigFileKind::Credentials;
        let config = EnvConfigFileKind::Config;

        let latin1 = dir.path().join("credentials");
        std::fs::write(
            &latin1,
            b"[default]\n# caf\xe9\naws_access_key_id = AKIAZPGHVM44W2UQNCEL\n\
              aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n",
        )
        .unwrap();
        let message = refusal(credentials, &latin1).await;
        assert_eq!(
            message,
            format!(
                "AWS credentials file {}: line 2: byte 6 is not UTF-8 (the AWS SDK would \
                 ignore the whole file); save it as UTF-8",
                latin1.display()
            )
        );

        let message = refusal(config, dir.path()).await;
        assert!(
            message.ends_with(": is a directory, not a regular file"),
            "{message}"
        );
        let message = refusal(config, Path::new("/dev/zero")).await;
        assert_eq!(
            message,
            "AWS config file /dev/zero: is a character device, not a regular file"
        );

        let broken = dir.path().join("config");
        std::fs::write(
            &broken,
            "[profile ops]\nregion = us-east-1\n[profile broken\n",
        )
        .unwrap();
        let message = refusal(config, &broken).await;
        assert!(
            message.starts_with(&format!("AWS config file {}: line 3: ", broken.display())),
            "{message}"
        );

        let big = dir.path().join("big");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_BYTES + 1)
            .unwrap();
        assert!(refusal(config, &big)
            .await
            .ends_with(": is larger than 8 MiB"));

        assert_eq!(
            read_one(config, &dir.path().join("missing")).await.unwrap(),
            None
        );
        std::fs::write(&broken, "[profile ops]\nregion = us-east-1\n").unwrap();
        assert_eq!(
            read_one(config, &broken).await.unwrap().as_deref(),
            Some("[profile ops]\nregion = us-east-1\n")
        );
    }
}
