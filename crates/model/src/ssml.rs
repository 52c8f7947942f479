//! Whether a text is one well-formed SSML document, as Amazon Polly (behind Speak and
//! SpeakAndGetDigits) requires of a `TextType` `ssml` text: a single `<speak>` element, with
//! nothing but white space, comments and an XML declaration around it, and well-formed XML
//! inside (read by roxmltree). Which SSML tags Polly supports is Polly's business, not checked
//! here. The client refuses such a message before sending it; the sandbox fails the action as
//! the guide says.
//!
//! DOCTYPE declarations are refused (Polly documents none, and a DOCTYPE is the door to entity
//! expansion); CDATA sections too, as Polly documents none.

/// `Ok` when `text` is one well-formed `<speak>` document; otherwise why not.
pub fn check_speak_document(text: &str) -> Result<(), String> {
    if text.contains("<![CDATA[") {
        return Err("not a well-formed SSML document: CDATA sections are not SSML".to_string());
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let why = match e {
            roxmltree::Error::DtdDetected => "a DOCTYPE is not allowed".to_string(),
            other => other.to_string(),
        };
        format!("not a well-formed SSML document: {why}")
    })?;
    let root = document.root_element().tag_name().name();
    if root != "speak" {
        let shown: String = root.chars().take(32).collect();
        return Err(format!(
            "not a well-formed SSML document: its root element is <{shown}>, not <speak>"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_speak_documents_pass() {
        for good in [
            "<speak>Hello</speak>",
            "  <speak>INC-42: payments database down.</speak>\n",
            r#"<?xml version="1.0"?><speak xml:lang="en-US">Hi <break time="1s"/> there</speak>"#,
            "<speak><prosody rate='slow'>Tom &amp; Jerry &#39;s &#x41;</prosody></speak>",
            "<!-- page --><speak><p><s>One.</s><s>Two.</s></p><!-- x --></speak>",
        ] {
            assert_eq!(check_speak_document(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn malformed_documents_are_refused() {
        for bad in [
            "Hello",
            "",
            "<p>Hello</p>",
            "<speak>Hello",
            "<speak>Hello</p></speak>",
            "<speak><p>Hello</speak>",
            "<speak>Tom & Jerry</speak>",
            "<speak>&nbsp;</speak>",
            "<speak>1 < 2</speak>",
            "<speak><b&c/></speak>",
            "<speak><break time=1s/></speak>",
            "<speak>a</speak><speak>b</speak>",
            "<speak>a</speak> trailing",
            "<speak a='1' a='2'>x</speak>",
            "<speak><break time=\"1s\"",
        ] {
            let error = check_speak_document(bad).expect_err(bad);
            assert!(
                error.starts_with("not a well-formed SSML document"),
                "{bad}: {error}"
            );
        }
        assert!(check_speak_document("<speak><![CDATA[x]]></speak>")
            .unwrap_err()
            .contains("CDATA"));
        assert!(check_speak_document("<!DOCTYPE speak><speak/>")
            .unwrap_err()
            .contains("DOCTYPE"));
        assert!(check_speak_document("<p>x</p>")
            .unwrap_err()
            .contains("<p>"));
    }
}
