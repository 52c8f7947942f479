//! SigV4 verification: the sandbox accepts a request only when its signature, recomputed with
//! aws-sigv4 from the sandbox's own secret, matches. Nothing here re-implements the algorithm.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use axum::http::HeaderMap;

use super::aws_error::AwsError;

/// How far a request's X-Amz-Date may be from the sandbox's clock, as at AWS.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The one key pair the sandbox's account accepts.
#[derive(Clone)]
pub struct SandboxCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for SandboxCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .finish()
    }
}

impl SandboxCredentials {
    /// A fresh random pair, shaped like a long-term IAM user key.
    pub(crate) fn generate() -> SandboxCredentials {
        use rand::distr::{Alphanumeric, SampleString};
        use rand::Rng;
        let mut rng = rand::rng();
        let key_suffix: String = (0..16)
            .map(|_| {
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
                alphabet[rng.random_range(0..alphabet.len())] as char
            })
            .collect();
        SandboxCredentials {
            access_key_id: format!("AKIA{key_suffix}"),
            secret_access_key: Alphanumeric.sample_string(&mut rng, 40),
        }
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, AwsError> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        AwsError::incomplete_signature("Authorization header must use AWS4-HMAC-SHA256")
    })?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (name, val) = part.trim().split_once('=').ok_or_else(|| {
            AwsError::incomplete_signature(format!(
                "Authorization header is malformed near {:?}",
                part.trim()
            ))
        })?;
        match name {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed_headers = Some(val),
            "Signature" => signature = Some(val),
            _ => {}
        }
    }
    let missing = |what: &str| {
        AwsError::incomplete_signature(format!("Authorization header requires '{what}' parameter"))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(AwsError::incomplete_signature(
            "Credential must be KEY/DATE/REGION/SERVICE/aws4_request",
        ));
    };
    if terminator != "aws4_request" {
        return Err(AwsError::incomplete_signature(
            "Credential should be scoped with a valid terminator: 'aws4_request'",
        ));
    }
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(value, format).ok()?;
    Some(parsed.assume_utc().into())
}

/// A request as the verifier needs it: nothing is consumed.
pub(crate) struct SignedRequest<'a> {
    pub(crate) method: &'a str,
    /// Path and query exactly as received (still percent-encoded).
    pub(crate) path_and_query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// Checks that `request` is signed by the sandbox's key for `service` in `region`.
pub(crate) fn verify(
    request: &SignedRequest<'_>,
    credentials: &SandboxCredentials,
    region: &str,
    service: &str,
) -> Result<(), AwsError> {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(authorization) = header("authorization") else {
        return Err(AwsError::missing_authentication_token());
    };
    let auth = parse_authorization(authorization)?;
    if auth.access_key_id != credentials.access_key_id {
        return Err(AwsError::unrecognized_client());
    }
    if auth.service != service {
        return Err(AwsError::invalid_signature(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    if auth.region != region {
        return Err(AwsError::invalid_signature(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            auth.region
        )));
    }
    let Some(amz_date) = header("x-amz-date") else {
        return Err(AwsError::incomplete_signature(
            "Authorization header requires existence of a 'X-Amz-Date' header.",
        ));
    };
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        AwsError::incomplete_signature(format!("X-Amz-Date {amz_date:?} is not a valid date"))
    })?;
    if !amz_date.starts_with(auth.date) {
        return Err(AwsError::invalid_signature(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP",
        ));
    }
    let now = SystemTime::now();
    let skew = now
        .duration_since(signed_at)
        .or_else(|_| signed_at.duration_since(now))
        .unwrap_or_default();
    if skew > MAX_CLOCK_SKEW {
        return Err(AwsError::invalid_signature(format!(
            "Signature expired: {amz_date} is now earlier or later than 15 minutes from the server time."
        )));
    }
    if !auth.signed_headers.contains(&"host") {
        return Err(AwsError::invalid_signature(
            "'Host' must be a signed header",
        ));
    }

    // Recompute over exactly the headers the client says it signed.
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let values = request.headers.get_all(*name);
        let mut any = false;
        for value in values {
            let value = value.to_str().map_err(|_| {
                AwsError::invalid_signature(format!("signed header {name} is not ASCII"))
            })?;
            signed.push((*name, value));
            any = true;
        }
        if !any {
            return Err(AwsError::invalid_signature(format!(
                "signed header {name} is missing from the request"
            )));
        }
    }
    let host = header("host").unwrap_or("localhost");
    let uri = format!("http://{host}{}", request.path_and_query);
    let signable = SignableRequest::new(
        request.method,
        uri,
        signed.into_iter(),
        SignableBody::Bytes(request.body),
    )
    .map_err(|e| AwsError::invalid_signature(format!("request cannot be signed: {e}")))?;

    let session_token = header("x-amz-security-token").map(str::to_string);
    let identity = Credentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        session_token,
        None,
        "chimecall-sandbox",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(signed_at)
        .settings(settings)
        .build()
        .map_err(|e| AwsError::invalid_signature(format!("cannot verify: {e}")))?
        .into();
    let expected = sign(signable, &params)
        .map_err(|e| AwsError::invalid_signature(format!("cannot verify: {e}")))?;
    if !constant_time_eq(expected.signature().as_bytes(), auth.signature.as_bytes()) {
        return Err(AwsError::invalid_signature(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_sdk_authorization_header() {
        let value =
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261129/us-east-1/chime/aws4_request, \
                     SignedHeaders=content-type;host;x-amz-date, Signature=abcdef";
        let auth = parse_authorization(value).unwrap();
        assert_eq!(auth.access_key_id, "AKIAEXAMPLE");
        assert_eq!(auth.region, "us-east-1");
        assert_eq!(auth.service, "chime");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(auth.signature, "abcdef");
    }

    #[test]
    fn malformed_authorization_is_incomplete_signature() {
        for bad in [
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=a/b",
            "AWS4-HMAC-SHA256 nonsense",
        ] {
            let err = parse_authorization(bad).err().expect(bad);
            assert_eq!(err.error_type, "IncompleteSignatureException", "{bad}");
        }
    }

    #[test]
    fn generated_keys_look_like_aws_keys() {
        let creds = SandboxCredentials::generate();
        assert!(creds.access_key_id.starts_with("AKIA"));
        assert_eq!(creds.access_key_id.len(), 20);
        assert_eq!(creds.secret_access_key.len(), 40);
        assert!(!format!("{creds:?}").contains(&creds.secret_access_key));
    }
}
