//! Whether a text is one well-formed SSML document, as Amazon Polly (behind Speak and
//! SpeakAndGetDigits) requires of a `TextType` `ssml` text: a single `<speak>` element, with
//! nothing but white space around it, and well-formed XML inside (tags that nest and match,
//! quoted attributes, no bare `<` or `&` in text, only the five XML entities or character
//! references, comments). Which SSML tags Polly supports is Polly's business, not checked here:
//! this is the check that both refuses nothing Polly parses and passes nothing it cannot.
//!
//! DOCTYPE declarations and CDATA sections are refused: Polly documents neither, and a DOCTYPE
//! is the door to entity expansion.

/// `Ok` when `text` is one well-formed `<speak>` document; otherwise why not, with the character
/// offset of the problem.
pub fn check_speak_document(text: &str) -> Result<(), String> {
    let mut parser = Parser {
        text,
        at: 0,
        open: Vec::new(),
    };
    parser.document()
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    at: usize,
    /// The elements open, outermost first.
    open: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn error(&self, what: &str) -> String {
        let offset = self.text[..self.at].chars().count();
        format!("not a well-formed SSML document: {what} (at character {offset})")
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn document(&mut self) -> Result<(), String> {
        self.skip_space();
        if self.rest().starts_with("<?xml") {
            let end = self
                .rest()
                .find("?>")
                .ok_or_else(|| self.error("an XML declaration that does not end"))?;
            self.at += end + 2;
        }
        self.skip_misc()?;
        if self.rest().starts_with("<!") {
            return Err(self.error("DOCTYPE, CDATA and processing instructions are not allowed"));
        }
        if !self.rest().starts_with('<') {
            return Err(self.error("it must start with <speak>"));
        }
        let root = self.element_start()?;
        if root != "speak" {
            return Err(self.error(&format!("the root element is <{root}>, not <speak>")));
        }
        while !self.open.is_empty() {
            self.content()?;
        }
        self.skip_misc()?;
        if !self.rest().is_empty() {
            return Err(self.error("text after </speak>"));
        }
        Ok(())
    }

    /// White space and comments, outside the root element.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_space();
            if self.rest().starts_with("<!--") {
                self.comment()?;
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<(), String> {
        let body = &self.rest()[4..];
        let end = body
            .find("--")
            .ok_or_else(|| self.error("a comment that does not end"))?;
        if !body[end..].starts_with("-->") {
            return Err(self.error("-- inside a comment"));
        }
        self.at += 4 + end + 3;
        Ok(())
    }

    /// The next piece inside the open element: text, a comment, a child element or the end tag.
    fn content(&mut self) -> Result<(), String> {
        let rest = self.rest();
        if rest.is_empty() {
            let name = self.open.last().copied().unwrap_or_default();
            return Err(self.error(&format!("<{name}> is not closed")));
        }
        if rest.starts_with("<!--") {
            return self.comment();
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            return Err(self.error("DOCTYPE, CDATA and processing instructions are not allowed"));
        }
        if rest.starts_with("</") {
            return self.element_end();
        }
        if rest.starts_with('<') {
            return self.element_start().map(|_| ());
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        self.character_data(text)?;
        self.at += end;
        Ok(())
    }

    fn character_data(&self, text: &str) -> Result<(), String> {
        let mut pieces = text.split('&');
        pieces.next();
        for piece in pieces {
            let Some((reference, _)) = piece.split_once(';') else {
                return Err(self.error("a bare & (write &amp;)"));
            };
            if !is_reference(reference) {
                return Err(self.error(&format!("an unknown entity &{reference};")));
            }
        }
        if text.contains("]]>") {
            return Err(self.error("]]> in text"));
        }
        Ok(())
    }

    /// `<name attr="value" ...>` or `<name .../>`; returns the name.
    fn element_start(&mut self) -> Result<&'a str, String> {
        self.at += 1;
        let name = self.name()?;
        let mut attributes: Vec<&str> = Vec::new();
        loop {
            let before = self.at;
            self.skip_space();
            let spaced = self.at > before;
            let rest = self.rest();
            if rest.starts_with("/>") {
                self.at += 2;
                return Ok(name);
            }
            if rest.starts_with('>') {
                self.at += 1;
                self.open.push(name);
                return Ok(name);
            }
            if rest.is_empty() {
                return Err(self.error(&format!("the tag <{name}> does not end")));
            }
            if !spaced {
                return Err(self.error(&format!("a malformed tag <{name}>")));
            }
            let attribute = self.name()?;
            if attributes.contains(&attribute) {
                return Err(self.error(&format!("the attribute {attribute} twice")));
            }
            attributes.push(attribute);
            self.skip_space();
            if !self.rest().starts_with('=') {
                return Err(self.error(&format!("the attribute {attribute} has no value")));
            }
            self.at += 1;
            self.skip_space();
            let quote = match self.rest().chars().next() {
                Some(quote @ ('"' | '\'')) => quote,
                _ => return Err(self.error(&format!("the value of {attribute} is not quoted"))),
            };
            self.at += 1;
            let end = self
                .rest()
                .find(quote)
                .ok_or_else(|| self.error(&format!("the value of {attribute} does not end")))?;
            let value = &self.rest()[..end];
            if value.contains('<') {
                return Err(self.error(&format!("< in the value of {attribute}")));
            }
            self.character_data(value)?;
            self.at += end + 1;
        }
    }

    fn element_end(&mut self) -> Result<(), String> {
        self.at += 2;
        let name = self.name()?;
        self.skip_space();
        if !self.rest().starts_with('>') {
            return Err(self.error(&format!("the end tag </{name}> does not end")));
        }
        self.at += 1;
        match self.open.pop() {
            Some(open) if open == name => Ok(()),
            Some(open) => Err(self.error(&format!("</{name}> closes <{open}>"))),
            None => Err(self.error(&format!("</{name}> closes nothing"))),
        }
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let rest = self.rest();
        let end = rest
            .char_indices()
            .find(|&(i, c)| {
                let allowed = c.is_alphabetic()
                    || c == '_'
                    || c == ':'
                    || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '.'));
                !allowed
            })
            .map_or(rest.len(), |(i, _)| i);
        if end == 0 {
            return Err(self.error("a tag without a name"));
        }
        self.at += end;
        Ok(&rest[..end])
    }
}

fn is_reference(reference: &str) -> bool {
    match reference {
        "amp" | "lt" | "gt" | "quot" | "apos" => true,
        _ => {
            let number = if let Some(hex) = reference
                .strip_prefix("#x")
                .or_else(|| reference.strip_prefix("#X"))
            {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(decimal) = reference.strip_prefix('#') {
                decimal.parse().ok()
            } else {
                None
            };
            number.and_then(char::from_u32).is_some()
        }
    }
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
    fn malformed_documents_say_why() {
        for (bad, why) in [
            ("Hello", "start with <speak>"),
            ("", "start with <speak>"),
            ("<p>Hello</p>", "root element is <p>"),
            ("<speak>Hello", "<speak> is not closed"),
            ("<speak>Hello</p></speak>", "</p> closes <speak>"),
            ("<speak><p>Hello</speak>", "</speak> closes <p>"),
            ("<speak>Tom & Jerry</speak>", "bare &"),
            ("<speak>&nbsp;</speak>", "unknown entity"),
            ("<speak>1 < 2</speak>", "a tag without a name"),
            ("<speak><b&c/></speak>", "malformed tag"),
            ("<speak><break time=1s/></speak>", "not quoted"),
            ("<speak>a</speak><speak>b</speak>", "text after </speak>"),
            ("<speak>a</speak> trailing", "text after </speak>"),
            ("<speak><![CDATA[x]]></speak>", "CDATA"),
            ("<!DOCTYPE speak><speak/>", "DOCTYPE"),
            ("<speak a='1' a='2'>x</speak>", "twice"),
            ("<speak><break time=\"1s\"", "does not end"),
        ] {
            let error = check_speak_document(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
