//! Reading an invocation event that a handler logged as a language object rather than as JSON.
//!
//! Handlers often log the event they were invoked with as it is: Python's `print(event)` or
//! `logger.info(event)` writes the dict's `repr`, and Node's `console.log('Request', event)`
//! writes `util.inspect` output. Neither is JSON, so [`parse_literal`] reads both, in one
//! grammar, because the caller cannot tell which language wrote a line:
//!
//! - Python: `{'Sequence': 2, 'Ok': True, 'Gone': None}`, strings in `'` or `"` with repr's
//!   escapes (`\\ \' \" \n \r \t \xNN \uNNNN \UNNNNNNNN`), `inf`/`nan`, tuples `(1,)`, sets
//!   `{1, 2}`, keys of any type (`{1: 'a'}`), bytes `b'..'`, `Decimal('1.5')` and other calls,
//!   `<object at 0x..>`, and `[...]`/`{...}` for a container that holds itself.
//! - Node: `{ Sequence: 2, 'x-foo': 'bar' }` laid out over several lines, strings in `'`, `"` or
//!   `` ` `` (also old Node's `'abc' +\n 'def'` and `'abc'... 9 more characters`),
//!   `undefined`, `NaN`, `Infinity`, `-0`, `12n`, bare dates, the placeholders `[Object]`,
//!   `[Array]`, `[Circular *1]`, `[Function: f]`, `[class X]`, `[Getter]`, `Symbol(x)`, the notes
//!   `... 3 more items` and `<1 empty item>`, and prefixes that name what follows: `Foo {`,
//!   `Map(1) { 'a' => 1 }`, `Set(1) { 1 }`, `[Object: null prototype] {`, `<ref *1> {`.
//! - JSON: any valid JSON text reads as the same value serde_json gives, with one deliberate
//!   exception: an integer beyond `i64`/`u64` reads as its digits in a string where serde_json
//!   rounds it to an `f64`, because that keeps a Python int that large exact (a JavaScript
//!   number that large, which Node writes out in full below 1e21, reads as text too).
//!
//! How the result maps to JSON:
//!
//! - Dicts, objects and Maps become objects. A key that is not a string keeps its source text
//!   (`{1: 'a'}` gives `{"1": "a"}`); all such keys together may copy at most the length of the
//!   text, which only keys nested in keys can exceed (the literal is then unreadable). When a
//!   key repeats, the last value wins, as in serde_json.
//! - Lists, arrays, tuples and sets become arrays; `... N more items` and `<N empty items>` are
//!   dropped.
//! - `None`, `null`, `undefined`, `NaN`, `nan`, infinities, and everything the log line does not
//!   show (`[Object]`, `[Array]`, `[Circular *1]`, `[Function..]`, `[Getter]`, `Symbol(..)`,
//!   `<...>`, unknown bare words, `[...]`) become null. A placeholder or class name followed by
//!   a brace or bracket is a prefix: the value is what the brace or bracket holds.
//! - A call `Name(arg)` with one argument becomes that argument (`Decimal('1.5')` gives
//!   `"1.5"`), `set()` and `frozenset()` become `[]`, and any other call becomes null.
//! - Strings are decoded exactly: `\x1b` becomes U+001B; neutralising it for a terminal is the
//!   caller's job. A malformed or unknown escape (`\q`, `\x4`) stays in the string as written,
//!   and an escape naming something a Rust string cannot hold (a lone surrogate `\ud800`,
//!   `\U00110000`) becomes U+FFFD; neither makes the literal unreadable.
//!
//! Anyone who can invoke the handler can shape the line, so the parser is defensive: it never
//! panics, it nests at most [`MAX_NESTING`] containers deep (as serde_json does) without
//! recursing any further, it examines each byte a bounded number of times and charges every
//! byte it examines to the caller's [`Budget`], stopping when that runs out, and what it builds
//! is never larger than a constant times the text it read.

use serde_json::{Map, Value};

/// Work limits shared with the caller's other parse attempts for one log message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// How many more bytes the attempts may examine. Each attempt subtracts what it examined,
    /// successful or not.
    pub(crate) bytes_left: usize,
}

/// How many containers may nest inside one another: 127, as many as serde_json allows, so that
/// valid JSON either parses here exactly as there or fails in both.
pub(crate) const MAX_NESTING: usize = 127;

/// Parses the language literal (a Python repr or a Node util.inspect rendering) that starts at
/// the very beginning of `text` (text starts with `{` or `[`), and returns it as JSON plus how
/// many bytes of `text` it took. Any text may follow it. None if it is not such a literal.
///
/// A bare placeholder at the start (`[INFO]`, `[Object]`, `{...}`) holds no value, so it gives
/// None too. The bytes examined are charged to `budget`; when it runs out, the answer is None.
pub(crate) fn parse_literal(text: &str, budget: &mut Budget) -> Option<(Value, usize)> {
    let mut parser = Parser::new(text, budget.bytes_left);
    let parsed = parser.literal();
    budget.bytes_left = budget.bytes_left.saturating_sub(parser.seen.max(1));
    parsed
}

/// What one value in the text turned out to be.
enum Parsed {
    Value(Value),
    /// Something that stands for a value the text does not show: `[Object]`, `<object at ..>`.
    Placeholder,
    /// A note that items were left out (`... 3 more items`, `<2 empty items>`): not an item.
    Omission,
}

impl Parsed {
    fn string(text: String) -> Parsed {
        Parsed::Value(Value::String(text))
    }

    fn into_value(self) -> Value {
        match self {
            Parsed::Value(value) => value,
            Parsed::Placeholder | Parsed::Omission => Value::Null,
        }
    }
}

/// One entry between the commas of a container or a call's parentheses.
enum Entry {
    /// `key: value`, `key => value` (a Map) or `name=value` (a Python keyword argument).
    Keyed(String, Value),
    Item(Value),
    Omission,
}

/// What a `<...>` turned out to be.
enum Angle {
    /// `<ref *1>`: Node marks a value that a `[Circular *1]` inside it points back to.
    Reference,
    /// `<3 empty items>`: holes in a sparse array.
    EmptyItems,
    /// Anything else, such as Python's `<object object at 0x7f..>`.
    Other,
}

/// A cursor over the text that examines no byte at or after `limit`, where the budget ends.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    limit: usize,
    /// One past the furthest byte examined: what the attempt is charged.
    seen: usize,
    /// How many more bytes keys that are not strings may copy from the text. Only keys nested
    /// in keys (a Map keyed by objects that have such keys) could copy the same bytes again and
    /// again; this keeps the copying, like the rest of the work, linear in the text.
    key_text_left: usize,
    /// How many times any byte was examined, for the tests that check the work is linear.
    #[cfg(test)]
    examinations: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, bytes_left: usize) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            limit: text.len().min(bytes_left),
            seen: 0,
            key_text_left: text.len(),
            #[cfg(test)]
            examinations: 0,
        }
    }

    /// The byte at `at`, or None at the end of the text or of the budget. Every read of the text
    /// goes through here, so that everything read is charged.
    fn byte_at(&mut self, at: usize) -> Option<u8> {
        if at >= self.limit {
            return None;
        }
        self.seen = self.seen.max(at + 1);
        #[cfg(test)]
        {
            self.examinations += 1;
        }
        self.bytes.get(at).copied()
    }

    fn peek(&mut self) -> Option<u8> {
        self.byte_at(self.pos)
    }

    fn eat(&mut self, expected: u8) -> bool {
        let found = self.peek() == Some(expected);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_str(&mut self, expected: &str) -> bool {
        let start = self.pos;
        let found = expected
            .bytes()
            .enumerate()
            .all(|(offset, byte)| self.byte_at(start + offset) == Some(byte));
        if found {
            self.pos += expected.len();
        }
        found
    }

    /// Skips JSON's whitespace, which covers both languages' layouts.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// How many ASCII digits were skipped.
    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// The text between two positions; they always fall next to ASCII bytes, but a miss would
    /// only make the literal unreadable, never panic.
    fn slice(&self, start: usize, end: usize) -> Option<&'a str> {
        self.text.get(start..end)
    }

    fn literal(&mut self) -> Option<(Value, usize)> {
        if !matches!(self.peek(), Some(b'{' | b'[')) {
            return None;
        }
        match self.value(0)? {
            Parsed::Value(value) => Some((value, self.pos)),
            Parsed::Placeholder | Parsed::Omission => None,
        }
    }

    /// One value; `depth` is how many containers enclose it.
    fn value(&mut self, depth: usize) -> Option<Parsed> {
        // Each pass reads one prefix (`Foo`, `Map(1)`, `[Object: null prototype]`, `<ref *1>`)
        // or the value itself; looping rather than recursing keeps prefixes off the stack.
        loop {
            let parsed = match self.peek()? {
                b'{' | b'(' => return self.container(depth),
                b'[' if !self.at_bracket_placeholder() => return self.container(depth),
                b'[' => {
                    self.skip_balanced(b'[', b']', true)?;
                    Parsed::Placeholder
                }
                b'\'' | b'"' | b'`' => return self.string().map(Parsed::string),
                b'-' | b'0'..=b'9' => return self.number().map(Parsed::Value),
                b'.' => return self.ellipsis(),
                b'<' => match self.angle()? {
                    Angle::Reference => {
                        self.skip_whitespace();
                        continue;
                    }
                    Angle::EmptyItems => return Some(Parsed::Omission),
                    Angle::Other => Parsed::Placeholder,
                },
                byte if is_word_start(byte) => {
                    let word = self.word()?;
                    match self.peek() {
                        Some(b'(') => self.call(word, depth)?,
                        Some(b'\'' | b'"') if word == "b" => {
                            return self.string().map(Parsed::string)
                        }
                        _ => match keyword(word) {
                            Some(value) => return Some(Parsed::Value(value)),
                            None => Parsed::Placeholder,
                        },
                    }
                }
                _ => return None,
            };
            if !self.at_prefixed_container() {
                return Some(parsed);
            }
        }
    }

    /// After a placeholder or a name: whether a brace or bracket follows, in which case what
    /// came before only named it (`Foo {`, `Map(1) {`) and the position moves there.
    fn at_prefixed_container(&mut self) -> bool {
        let end = self.pos;
        self.skip_whitespace();
        if matches!(self.peek(), Some(b'{' | b'[')) {
            return true;
        }
        self.pos = end;
        false
    }

    /// Whether the `[` here opens one of Node's placeholders (`[Object]`, `[Circular *1]`,
    /// `[Function: f]`, `[class X]`, `[Getter/Setter]`) rather than a list. Node puts a space
    /// after a list's `[`, and a Python list starts with a word only for a keyword (`[True]`)
    /// or a call (`[Decimal('1')]`), so a word followed by `]`, `:`, ` ` or `/` is a placeholder.
    fn at_bracket_placeholder(&mut self) -> bool {
        let start = self.pos + 1;
        if !self
            .byte_at(start)
            .is_some_and(|byte| byte.is_ascii_alphabetic())
        {
            return false;
        }
        let mut end = start;
        while self.byte_at(end).is_some_and(is_word_byte) {
            end += 1;
        }
        let word = self.slice(start, end).unwrap_or_default();
        if keyword(word).is_some() || matches!(word, "Ellipsis" | "NotImplemented") {
            return false;
        }
        match self.byte_at(end) {
            Some(b']' | b':' | b'/') => true,
            // `[Circular *1]`, `[class X]`; but `[Foo { a: 1 } ]` is a list of a `Foo`.
            Some(b' ') => !matches!(self.byte_at(end + 1), Some(b'{' | b'[')),
            _ => false,
        }
    }

    /// Skips from an opening byte to its match. Quotes are skipped whole only when `quotes`:
    /// Node's `[String: 'a]']` needs that, but text such as `Symbol(it's)` is written raw.
    fn skip_balanced(&mut self, open: u8, close: u8, quotes: bool) -> Option<()> {
        let mut level = 0usize;
        loop {
            let byte = self.peek()?;
            self.pos += 1;
            if byte == open {
                level += 1;
            } else if byte == close {
                level = level.saturating_sub(1);
                if level == 0 {
                    return Some(());
                }
            } else if quotes && matches!(byte, b'\'' | b'"' | b'`') {
                self.skip_quoted(byte)?;
            }
        }
    }

    fn skip_quoted(&mut self, quote: u8) -> Option<()> {
        loop {
            let byte = self.peek()?;
            self.pos += 1;
            if byte == quote {
                return Some(());
            }
            if byte == b'\\' {
                self.peek()?;
                self.pos += 1;
            }
        }
    }

    /// A `{...}`, `[...]` or `(...)` container; the caller has checked it is not a placeholder.
    fn container(&mut self, depth: usize) -> Option<Parsed> {
        if depth >= MAX_NESTING {
            return None;
        }
        let open = self.peek()?;
        let close = match open {
            b'{' => b'}',
            b'[' => b']',
            _ => b')',
        };
        self.pos += 1;
        // Python writes a container that holds itself as `[...]` or `{...}`.
        if open != b'(' && self.eat_str("...") {
            if self.eat(close) {
                return Some(Parsed::Placeholder);
            }
            self.pos -= 3;
        }
        let entries = self.entries(depth + 1, close)?;
        if open == b'{' {
            braces_value(entries).map(Parsed::Value)
        } else {
            Some(Parsed::Value(Value::Array(items_of(entries))))
        }
    }

    /// The comma-separated entries up to `close`; a trailing comma (Python's `(1,)`) is fine.
    fn entries(&mut self, depth: usize, close: u8) -> Option<Vec<Entry>> {
        let mut entries = Vec::new();
        loop {
            self.skip_whitespace();
            if self.eat(close) {
                return Some(entries);
            }
            entries.push(self.entry(depth)?);
            self.skip_whitespace();
            if !self.eat(b',') {
                return self.eat(close).then_some(entries);
            }
        }
    }

    fn entry(&mut self, depth: usize) -> Option<Entry> {
        if let Some(key) = self.bare_key() {
            self.skip_whitespace();
            let value = self.value(depth)?.into_value();
            return Some(Entry::Keyed(key.to_owned(), value));
        }
        let start = self.pos;
        let item = self.value(depth)?;
        let end = self.pos;
        self.skip_whitespace();
        if !(self.eat(b':') || self.eat_str("=>")) {
            return Some(match item {
                Parsed::Omission => Entry::Omission,
                item => Entry::Item(item.into_value()),
            });
        }
        let key = match item {
            Parsed::Value(Value::String(text)) => text,
            // Python keys may be ints, tuples, None...; Map keys may be objects: keep the text.
            _ => self.key_text(start, end)?,
        };
        self.skip_whitespace();
        let value = self.value(depth)?.into_value();
        Some(Entry::Keyed(key, value))
    }

    /// The source text of a key that is not a string, within what such keys may copy.
    fn key_text(&mut self, start: usize, end: usize) -> Option<String> {
        let text = self.slice(start, end)?;
        self.key_text_left = self.key_text_left.checked_sub(text.len())?;
        #[cfg(test)]
        {
            self.examinations += text.len();
        }
        Some(text.to_owned())
    }

    /// A key written as a bare word and its separator: Node's identifier keys (`{ a: 1 }`) and
    /// Python's keyword arguments (`tzinfo=...`). Consumes nothing when there is none.
    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.peek().is_some_and(is_word_start) {
            return None;
        }
        while self.peek().is_some_and(is_word_byte) {
            self.pos += 1;
        }
        let end = self.pos;
        self.skip_whitespace();
        let separated =
            self.eat(b':') || (self.byte_at(self.pos + 1) != Some(b'>') && self.eat(b'='));
        match self.slice(start, end) {
            Some(key) if separated => Some(key),
            _ => {
                self.pos = start;
                None
            }
        }
    }

    /// A call such as `Decimal('1.5')`, `datetime.date(2020, 1, 2)` or Node's `Map(1)` prefix.
    fn call(&mut self, name: &str, depth: usize) -> Option<Parsed> {
        // Node writes a symbol's description raw, so it need not parse: `Symbol(my key)`.
        if name == "Symbol" {
            self.skip_balanced(b'(', b')', false)?;
            return Some(Parsed::Placeholder);
        }
        if depth >= MAX_NESTING {
            return None;
        }
        self.pos += 1;
        let mut arguments = Vec::new();
        let mut keyword_arguments = 0;
        for entry in self.entries(depth + 1, b')')? {
            match entry {
                Entry::Item(value) => arguments.push(value),
                Entry::Keyed(..) => keyword_arguments += 1,
                Entry::Omission => {}
            }
        }
        Some(
            match (arguments.pop(), arguments.is_empty(), keyword_arguments) {
                (Some(only), true, 0) => Parsed::Value(only),
                (None, _, 0) if matches!(name, "set" | "frozenset") => {
                    Parsed::Value(Value::Array(Vec::new()))
                }
                _ => Parsed::Placeholder,
            },
        )
    }

    /// A word, dotted as in `datetime.timezone.utc`.
    fn word(&mut self) -> Option<&'a str> {
        let start = self.pos;
        loop {
            while self.peek().is_some_and(is_word_byte) {
                self.pos += 1;
            }
            let dotted = self.byte_at(self.pos) == Some(b'.')
                && self.byte_at(self.pos + 1).is_some_and(is_word_start);
            if !dotted {
                break;
            }
            self.pos += 1;
        }
        self.slice(start, self.pos)
    }

    /// A string and whatever old Node joined to it.
    fn string(&mut self) -> Option<String> {
        let mut text = String::new();
        loop {
            let quote = self.peek()?;
            self.pos += 1;
            self.string_body(quote, &mut text)?;
            // Node cuts strings over 10,000 characters: `'aaa'... 9990 more characters`.
            let end = self.pos;
            if !(self.eat_str("...") && self.skip_count_of_more("character")) {
                self.pos = end;
            }
            // Old Node versions split long strings across lines: `'abc' +\n  'def'`.
            let end = self.pos;
            self.skip_whitespace();
            if !self.eat(b'+') {
                self.pos = end;
                return Some(text);
            }
            self.skip_whitespace();
            if !matches!(self.peek(), Some(b'\'' | b'"' | b'`')) {
                return None;
            }
        }
    }

    /// The rest of a string after its opening `quote`, decoded onto `text`.
    fn string_body(&mut self, quote: u8, text: &mut String) -> Option<()> {
        loop {
            let run_start = self.pos;
            let mut byte = self.peek()?;
            while byte != quote && byte != b'\\' {
                self.pos += 1;
                byte = self.peek()?;
            }
            text.push_str(self.slice(run_start, self.pos)?);
            self.pos += 1;
            if byte == quote {
                return Some(());
            }
            self.escape(text)?;
        }
    }

    /// The escape after a backslash. An escape the languages do not write stays as written.
    fn escape(&mut self, text: &mut String) -> Option<()> {
        let letter = self.peek()?;
        let simple = match letter {
            b'\\' | b'\'' | b'"' | b'`' | b'/' => Some(char::from(letter)),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(decoded) = simple {
            self.pos += 1;
            text.push(decoded);
            return Some(());
        }
        let digits = match letter {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        let code = match self.hex_at(self.pos + 1, digits) {
            Some(code) if digits > 0 => code,
            // Unknown or malformed: keep the backslash; what follows reads as plain text.
            _ => {
                text.push('\\');
                return Some(());
            }
        };
        self.pos += 1 + digits;
        let decoded = if letter == b'u' && (0xD800..0xDC00).contains(&code) {
            self.low_surrogate_after(code)
        } else {
            char::from_u32(code)
        };
        text.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
        Some(())
    }

    /// The character a high surrogate forms with a `\uDC00`-`\uDFFF` escape right after it, as
    /// JSON and JavaScript pair them; None (for U+FFFD) when none follows.
    fn low_surrogate_after(&mut self, high: u32) -> Option<char> {
        if self.byte_at(self.pos) != Some(b'\\') || self.byte_at(self.pos + 1) != Some(b'u') {
            return None;
        }
        let low = self.hex_at(self.pos + 2, 4)?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        self.pos += 6;
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    /// The value of `digits` hex digits at `at` (at most 8, so it fits), without consuming them.
    fn hex_at(&mut self, at: usize, digits: usize) -> Option<u32> {
        let mut code = 0u32;
        for offset in 0..digits {
            let digit = char::from(self.byte_at(at + offset)?).to_digit(16)?;
            code = code * 16 + digit;
        }
        Some(code)
    }

    /// Skips Node's ` 3 more items` / ` 1 more character` after a `...`, if that is what
    /// follows; otherwise consumes nothing.
    fn skip_count_of_more(&mut self, noun: &str) -> bool {
        let start = self.pos;
        let found = self.eat(b' ')
            && self.skip_digits() > 0
            && self.eat_str(" more ")
            && self.eat_str(noun);
        if found {
            self.eat(b's');
        } else {
            self.pos = start;
        }
        found
    }

    /// `... 3 more items` (Node), or a bare `...` (Python's Ellipsis).
    fn ellipsis(&mut self) -> Option<Parsed> {
        if !self.eat_str("...") {
            return None;
        }
        Some(if self.skip_count_of_more("item") {
            Parsed::Omission
        } else {
            Parsed::Placeholder
        })
    }

    fn angle(&mut self) -> Option<Angle> {
        let start = self.pos;
        self.skip_balanced(b'<', b'>', false)?;
        let inside = self.slice(start + 1, self.pos - 1)?;
        Some(if inside.starts_with("ref *") {
            Angle::Reference
        } else if is_empty_items(inside) {
            Angle::EmptyItems
        } else {
            Angle::Other
        })
    }

    /// A number as JSON writes it, plus `-Infinity`/`-inf`, Node's BigInt `12n`, and Node's
    /// bare dates (`2022-01-12T14:37:21.509Z`), which become strings.
    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        let negative = self.eat(b'-');
        if self.peek().is_some_and(is_word_start) {
            let word = self.word()?;
            return matches!(word, "Infinity" | "inf").then_some(Value::Null);
        }
        let whole_digits = if self.eat(b'0') {
            1
        } else {
            self.skip_digits()
        };
        if whole_digits == 0 {
            return None;
        }
        if !negative && whole_digits == 4 && self.peek() == Some(b'-') {
            while self.peek().is_some_and(is_date_byte) {
                self.pos += 1;
            }
            return Some(Value::String(self.slice(start, self.pos)?.to_owned()));
        }
        let mut integer = true;
        if self.peek() == Some(b'.')
            && self
                .byte_at(self.pos + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.pos += 1;
            self.skip_digits();
            integer = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.skip_digits() == 0 {
                return None;
            }
            integer = false;
        }
        let token = self.slice(start, self.pos)?;
        if integer {
            self.eat(b'n');
        }
        // `1j`, `0x1F`, `012`: nothing either language writes as a value.
        if self.peek().is_some_and(is_word_byte) {
            return None;
        }
        if integer && token.parse::<i64>().is_err() && token.parse::<u64>().is_err() {
            return Some(Value::String(token.to_owned()));
        }
        // serde_json reads the token, so numbers read exactly as in JSON. Only a float beyond
        // f64 (1e400) fails there; neither language writes one, and it reads as infinity would.
        Some(serde_json::from_str(token).unwrap_or(Value::Null))
    }
}

/// The value of a `{...}`: an object, or an array for a Python or Node set (`{1, 2}`).
/// Neither language mixes the two, so a mix is not a literal.
fn braces_value(entries: Vec<Entry>) -> Option<Value> {
    let mut fields = Map::new();
    let mut items = Vec::new();
    for entry in entries {
        match entry {
            Entry::Keyed(key, value) if items.is_empty() => {
                fields.insert(key, value);
            }
            Entry::Item(value) if fields.is_empty() => items.push(value),
            Entry::Omission => {}
            Entry::Keyed(..) | Entry::Item(_) => return None,
        }
    }
    Some(if items.is_empty() {
        Value::Object(fields)
    } else {
        Value::Array(items)
    })
}

/// The items of a `[...]` or `(...)`. Keyed entries (Node's extra array properties,
/// `[ 1, extra: 2 ]`) have no place in a JSON array and are dropped.
fn items_of(entries: Vec<Entry>) -> Vec<Value> {
    entries
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Item(value) => Some(value),
            Entry::Keyed(..) | Entry::Omission => None,
        })
        .collect()
}

/// The bare words that are values in one of the languages (or in JSON).
fn keyword(word: &str) -> Option<Value> {
    match word {
        "true" | "True" => Some(Value::Bool(true)),
        "false" | "False" => Some(Value::Bool(false)),
        // JSON has no NaN or infinities; JSON.stringify writes them as null too.
        "null" | "None" | "undefined" | "NaN" | "nan" | "Infinity" | "inf" => Some(Value::Null),
        _ => None,
    }
}

fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$'
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

fn is_date_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b':' | b'.' | b'+')
}

/// Whether the inside of a `<...>` is Node's `3 empty items` / `1 empty item`.
fn is_empty_items(inside: &str) -> bool {
    let digits = inside.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(inside.get(digits..), Some(" empty item" | " empty items"))
}

#[cfg(test)]
mod properties;
#[cfg(test)]
pub(super) mod tests;
