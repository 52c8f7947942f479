//! Property tests of the literal parser: renderings the way Python and Node write them read
//! back as what was rendered, JSON reads as serde_json reads it, and nothing panics.

use super::tests::*;
use super::*;
use proptest::prelude::*;
// -----------------------------------------------------------------------------------------
// Renderers for the property tests
// -----------------------------------------------------------------------------------------

/// A value as either language holds it.
#[derive(Debug, Clone)]
enum Model {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Model>),
    Tuple(Vec<Model>),
    Dict(Vec<(Key, Model)>),
}

#[derive(Debug, Clone)]
enum Key {
    Str(String),
    Int(i64),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Str(text) => text.clone(),
            Key::Int(number) => number.to_string(),
        }
    }
}

/// The JSON the parser should give for `model`. `number_text` is how the renderer writes a
/// finite float, which is what the parser (through serde_json) reads back; `cut_below` is
/// the depth below which non-empty containers were rendered as `[Object]` / `[Array]`.
fn expected(
    model: &Model,
    number_text: fn(f64) -> String,
    cut_below: Option<usize>,
    depth: usize,
) -> Value {
    let is_cut = |empty: bool| !empty && cut_below.is_some_and(|limit| depth > limit);
    match model {
        Model::Null => Value::Null,
        Model::Bool(flag) => Value::Bool(*flag),
        Model::Int(number) => match (i64::try_from(*number), u64::try_from(*number)) {
            (Ok(small), _) => Value::from(small),
            (_, Ok(large)) => Value::from(large),
            _ => Value::String(number.to_string()),
        },
        Model::Float(number) if number.is_finite() => read_number(&number_text(*number)),
        Model::Float(_) => Value::Null,
        Model::Str(text) => Value::String(text.clone()),
        Model::List(items) | Model::Tuple(items) if is_cut(items.is_empty()) => Value::Null,
        Model::List(items) | Model::Tuple(items) => Value::Array(
            items
                .iter()
                .map(|item| expected(item, number_text, cut_below, depth + 1))
                .collect(),
        ),
        Model::Dict(entries) if is_cut(entries.is_empty()) => Value::Null,
        Model::Dict(entries) => {
            let mut fields = Map::new();
            for (key, value) in entries {
                fields.insert(
                    key.text(),
                    expected(value, number_text, cut_below, depth + 1),
                );
            }
            Value::Object(fields)
        }
    }
}

/// A number's text as the parser reads it: as serde_json does, except that digits alone
/// beyond i64 and u64 stay text (JavaScript writes 1e20 as `100000000000000000000`).
fn read_number(text: &str) -> Value {
    let integer = !text.contains(['.', 'e', 'E']);
    if integer && text.parse::<i64>().is_err() && text.parse::<u64>().is_err() {
        return Value::String(text.to_owned());
    }
    serde_json::from_str(text).expect("a JSON number")
}

fn join<T>(items: &[T], render: impl Fn(&T) -> String, separator: &str) -> String {
    items.iter().map(render).collect::<Vec<_>>().join(separator)
}

/// Shortest round-trip digits and decimal exponent, as `{:e}` writes them: ("1.5", -5).
fn scientific(number: f64) -> (String, i32) {
    let text = format!("{number:e}");
    let (mantissa, exponent) = text.split_once('e').expect("an exponent");
    (mantissa.to_owned(), exponent.parse().expect("a number"))
}

/// Python's `repr(float)`: fixed notation from 1e-4 up to 1e16, else `1.5e-05` / `1e+16`.
fn python_float(number: f64) -> String {
    if number.is_nan() {
        return "nan".into();
    }
    if number.is_infinite() {
        return if number > 0.0 { "inf" } else { "-inf" }.into();
    }
    let (mantissa, exponent) = scientific(number);
    if (-4..16).contains(&exponent) {
        let fixed = format!("{number}");
        return if fixed.contains('.') {
            fixed
        } else {
            fixed + ".0"
        };
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// Approximates Python's `str.isprintable`; which characters are escaped does not matter
/// to the parser, only that the escapes are the ones Python writes.
fn python_printable(character: char) -> bool {
    !(character.is_control()
        || (character.is_whitespace() && character != ' ')
        || matches!(character, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..))
}

/// Python's `repr(str)`.
fn python_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for character in text.chars() {
        let code = u32::from(character);
        match character {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if character == quote => {
                out.push('\\');
                out.push(character);
            }
            _ if code < 0x20 || code == 0x7f => out.push_str(&format!("\\x{code:02x}")),
            _ if python_printable(character) => out.push(character),
            _ if code <= 0xff => out.push_str(&format!("\\x{code:02x}")),
            _ if code <= 0xffff => out.push_str(&format!("\\u{code:04x}")),
            _ => out.push_str(&format!("\\U{code:08x}")),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of `model`.
fn python_repr(model: &Model) -> String {
    match model {
        Model::Null => "None".into(),
        Model::Bool(true) => "True".into(),
        Model::Bool(false) => "False".into(),
        Model::Int(number) => number.to_string(),
        Model::Float(number) => python_float(*number),
        Model::Str(text) => python_str(text),
        Model::List(items) => format!("[{}]", join(items, python_repr, ", ")),
        Model::Tuple(items) if items.len() == 1 => format!("({},)", python_repr(&items[0])),
        Model::Tuple(items) => format!("({})", join(items, python_repr, ", ")),
        Model::Dict(entries) => {
            let entry = |(key, value): &(Key, Model)| {
                let key = match key {
                    Key::Str(text) => python_str(text),
                    Key::Int(number) => number.to_string(),
                };
                format!("{key}: {}", python_repr(value))
            };
            format!("{{{}}}", join(entries, entry, ", "))
        }
    }
}

/// JavaScript's `Number.prototype.toString`, as util.inspect writes numbers.
fn node_number(number: f64) -> String {
    if number.is_nan() {
        return "NaN".into();
    }
    if number.is_infinite() {
        return if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into();
    }
    if number == 0.0 {
        return if number.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let (mantissa, exponent) = scientific(number);
    if (-6..21).contains(&exponent) {
        return format!("{number}");
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{}", exponent.abs())
}

/// util.inspect's quoting: `'` unless the string holds one, then `"`, then `` ` ``.
fn node_str(text: &str) -> String {
    let quote = if !text.contains('\'') {
        '\''
    } else if !text.contains('"') {
        '"'
    } else if !text.contains('`') && !text.contains("${") {
        '`'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for character in text.chars() {
        let code = u32::from(character);
        match character {
            '\\' => out.push_str("\\\\"),
            '\'' if quote == '\'' => out.push_str("\\'"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            _ if code < 0x20 || (0x7f..=0x9f).contains(&code) => {
                out.push_str(&format!("\\x{code:02X}"))
            }
            _ => out.push(character),
        }
    }
    out.push(quote);
    out
}

fn node_key(key: &Key) -> String {
    let text = key.text();
    let mut bytes = text.bytes();
    let identifier = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if identifier {
        text
    } else {
        node_str(&text)
    }
}

#[derive(Debug, Clone, Copy)]
struct NodeStyle {
    /// Containers deeper than this are cut to `[Object]` / `[Array]`, as util.inspect's
    /// default depth of 2 does.
    depth_limit: Option<usize>,
    /// Lines longer than this are broken, one entry a line, indented by two spaces.
    width: usize,
    /// Old Node split strings longer than 16 characters into `'...' +\n  '...'`.
    split_strings: bool,
}

fn node_inspect(model: &Model, style: NodeStyle) -> String {
    node_render(model, style, 0, 0)
}

fn node_render(model: &Model, style: NodeStyle, depth: usize, indent: usize) -> String {
    let cut = style.depth_limit.is_some_and(|limit| depth > limit);
    match model {
        Model::Null => "null".into(),
        Model::Bool(flag) => flag.to_string(),
        Model::Int(number) => number.to_string(),
        Model::Float(number) => node_number(*number),
        Model::Str(text) => {
            let characters: Vec<char> = text.chars().collect();
            if !style.split_strings || characters.len() <= 16 {
                return node_str(text);
            }
            let pieces: Vec<String> = characters
                .chunks(16)
                .map(|chunk| node_str(&chunk.iter().collect::<String>()))
                .collect();
            pieces.join(&format!(" +\n{}", " ".repeat(indent + 2)))
        }
        Model::List(items) | Model::Tuple(items) if items.is_empty() => "[]".into(),
        Model::List(_) | Model::Tuple(_) if cut => "[Array]".into(),
        Model::List(items) | Model::Tuple(items) => {
            let parts = items
                .iter()
                .map(|item| node_render(item, style, depth + 1, indent + 2))
                .collect();
            node_layout('[', ']', parts, indent, style.width)
        }
        Model::Dict(entries) if entries.is_empty() => "{}".into(),
        Model::Dict(_) if cut => "[Object]".into(),
        Model::Dict(entries) => {
            let parts = entries
                .iter()
                .map(|(key, value)| {
                    format!(
                        "{}: {}",
                        node_key(key),
                        node_render(value, style, depth + 1, indent + 2)
                    )
                })
                .collect();
            node_layout('{', '}', parts, indent, style.width)
        }
    }
}

fn node_layout(open: char, close: char, parts: Vec<String>, indent: usize, width: usize) -> String {
    let single = format!("{open} {} {close}", parts.join(", "));
    if indent + single.len() <= width && !single.contains('\n') {
        return single;
    }
    let inner = " ".repeat(indent + 2);
    format!(
        "{open}\n{inner}{}\n{}{close}",
        parts.join(&format!(",\n{inner}")),
        " ".repeat(indent)
    )
}

/// JSON text for `model`, allowing what serde_json's writer never writes: repeated keys,
/// `\uXXXX` and `\/` escapes, exponents in either case, and whitespace anywhere.
fn json_text(model: &Model, escape_all: bool, spaced: bool) -> String {
    let gap = if spaced { " \n\t " } else { "" };
    match model {
        // JSON has no NaN or infinities.
        Model::Null => "null".into(),
        Model::Float(number) if !number.is_finite() => "null".into(),
        Model::Bool(flag) => flag.to_string(),
        Model::Int(number) => number.to_string(),
        Model::Float(number) if escape_all => format!("{number:E}"),
        Model::Float(number) => serde_json::to_string(number).expect("a finite float"),
        Model::Str(text) => json_string(text, escape_all),
        Model::List(items) | Model::Tuple(items) => format!(
            "[{gap}{}{gap}]",
            join(
                items,
                |item| json_text(item, escape_all, spaced),
                &format!("{gap},{gap}")
            )
        ),
        Model::Dict(entries) => {
            let entry = |(key, value): &(Key, Model)| {
                format!(
                    "{}{gap}:{gap}{}",
                    json_string(&key.text(), escape_all),
                    json_text(value, escape_all, spaced)
                )
            };
            format!(
                "{{{gap}{}{gap}}}",
                join(entries, entry, &format!("{gap},{gap}"))
            )
        }
    }
}

fn json_string(text: &str, escape_all: bool) -> String {
    if !escape_all {
        return serde_json::to_string(text).expect("a string");
    }
    let mut out = String::from('"');
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            out.push(character);
        } else if character == '/' {
            out.push_str("\\/");
        } else {
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04X}"));
            }
        }
    }
    out.push('"');
    out
}

// -----------------------------------------------------------------------------------------
// Strategies
// -----------------------------------------------------------------------------------------

/// Strings rich in what makes quoting hard.
fn text() -> BoxedStrategy<String> {
    let tricky = prop::sample::select(vec![
        '\'',
        '"',
        '`',
        '\\',
        '\n',
        '\r',
        '\t',
        '\u{0}',
        '\u{8}',
        '\u{b}',
        '\u{c}',
        '\u{1b}',
        '\u{7f}',
        '\u{85}',
        '\u{a0}',
        '\u{ad}',
        '\u{2028}',
        '\u{feff}',
        '\u{e000}',
        '\u{10ffff}',
        '{',
        '}',
        '[',
        ']',
        '(',
        ')',
        '<',
        '>',
        ':',
        ',',
        '$',
        '+',
        '.',
        ' ',
        'a',
        'x',
        'u',
        'é',
        '😀',
    ]);
    prop::collection::vec(prop_oneof![2 => any::<char>(), 3 => tricky], 0..12)
        .prop_map(|characters| characters.into_iter().collect())
        .boxed()
}

fn identifier_or_text() -> BoxedStrategy<String> {
    prop_oneof!["[a-zA-Z_][a-zA-Z0-9_]{0,8}", text()].boxed()
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1e16,
            1e15,
            1e21,
            1e-4,
            1e-5,
            1e-7,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY
        ]),
        (-1_000_000i32..1_000_000).prop_map(|n| f64::from(n) / 64.0),
    ]
}

fn python_model() -> BoxedStrategy<Model> {
    let leaf = prop_oneof![
        Just(Model::Null),
        any::<bool>().prop_map(Model::Bool),
        any::<i64>().prop_map(|n| Model::Int(n.into())),
        any::<u64>().prop_map(|n| Model::Int(n.into())),
        any::<i128>().prop_map(Model::Int),
        float().prop_map(Model::Float),
        text().prop_map(Model::Str),
    ];
    let key = prop_oneof![text().prop_map(Key::Str), any::<i64>().prop_map(Key::Int)];
    leaf.prop_recursive(4, 40, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Model::List),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Model::Tuple),
            prop::collection::vec((key.clone(), inner), 0..5).prop_map(Model::Dict),
        ]
    })
    .boxed()
}

fn node_model() -> BoxedStrategy<Model> {
    let leaf = prop_oneof![
        Just(Model::Null),
        any::<bool>().prop_map(Model::Bool),
        any::<i32>().prop_map(|n| Model::Int(n.into())),
        float().prop_map(Model::Float),
        text().prop_map(Model::Str),
    ];
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Model::List),
            prop::collection::vec((identifier_or_text().prop_map(Key::Str), inner), 0..5)
                .prop_map(Model::Dict),
        ]
    })
    .boxed()
}

fn json_model() -> BoxedStrategy<Model> {
    let leaf = prop_oneof![
        Just(Model::Null),
        any::<bool>().prop_map(Model::Bool),
        any::<i64>().prop_map(|n| Model::Int(n.into())),
        any::<u64>().prop_map(|n| Model::Int(n.into())),
        float().prop_map(Model::Float),
        text().prop_map(Model::Str),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Model::List),
            // Few distinct keys, so that some repeat.
            prop::collection::vec(
                (prop_oneof![text(), "[ab]"].prop_map(Key::Str), inner),
                0..5
            )
            .prop_map(Model::Dict),
        ]
    })
    .boxed()
}

/// A model whose top is a container, as every literal's is.
fn container(model: BoxedStrategy<Model>) -> BoxedStrategy<Model> {
    prop_oneof![
        prop::collection::vec(model.clone(), 0..4).prop_map(Model::List),
        prop::collection::vec(("[a-zA-Z_]{1,6}".prop_map(Key::Str), model), 0..4)
            .prop_map(Model::Dict),
    ]
    .boxed()
}

/// Text made of the parser's tokens, to reach deep into it.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "'",
        "\"",
        "`",
        "\\",
        "\\x",
        "\\u",
        "\\U",
        "\\ud83d",
        "\\ude00",
        "41",
        ":",
        ",",
        "=>",
        "=",
        "...",
        " ",
        "\n",
        "+",
        "-",
        "0",
        "7",
        ".5",
        "e+",
        "n",
        "a",
        "Foo",
        "True",
        "None",
        "null",
        "undefined",
        "Infinity",
        "inf",
        "nan",
        "Object",
        "Object: null prototype",
        "Circular *1",
        "ref *1",
        "Symbol(",
        "Function: f",
        "Decimal(",
        "b'",
        " more items",
        " more characters",
        "1 empty item",
        "set()",
        "2022-01-12T14:37:21.509Z",
        "é",
        "😀",
        "\u{0}",
    ]);
    (
        prop::sample::select(vec!["{", "["]),
        prop::collection::vec(token, 0..40),
    )
        .prop_map(|(first, tokens)| format!("{first}{}", tokens.concat()))
}

/// Checks what holds for any input: no panic, a length inside the text at a character
/// boundary, a charge within the budget and at least the length, and linear work.
fn check_bounds(text: &str, bytes_left: usize) {
    let mut budget = Budget { bytes_left };
    let parsed = parse_literal(text, &mut budget);
    let charged = bytes_left - budget.bytes_left;
    assert!(charged <= bytes_left.max(1).min(text.len().max(1)));
    if let Some((_, length)) = parsed {
        assert!(length <= text.len() && text.is_char_boundary(length));
        assert!(length <= charged);
    }
    let (examinations, seen) = work_for(text);
    assert!(
        examinations <= 8 * seen + 8,
        "{examinations} examinations of {seen} bytes"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (1) Arbitrary text never panics, and stays within its bounds.
    #[test]
    fn arbitrary_text_never_panics(
        first in prop::sample::select(vec!['{', '[', 'x']),
        rest in any::<String>(),
        soup in token_soup(),
        bytes_left in 0usize..200,
    ) {
        let text = format!("{first}{rest}");
        check_bounds(&text, usize::MAX);
        check_bounds(&text, bytes_left);
        check_bounds(&soup, usize::MAX);
        check_bounds(&soup, bytes_left);
    }

    /// (1) Renderings cut short or with a character spliced in never panic either.
    #[test]
    fn damaged_renderings_never_panic(
        model in container(python_model()),
        node in container(node_model()),
        cut in any::<prop::sample::Index>(),
        splice in any::<char>(),
    ) {
        for text in [python_repr(&model), node_inspect(&node, NodeStyle { depth_limit: Some(2), width: 72, split_strings: true })] {
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let at = boundaries[cut.index(boundaries.len())];
            check_bounds(&text[..at], usize::MAX);
            check_bounds(&format!("{}{splice}{}", &text[..at], &text[at..]), usize::MAX);
        }
    }

    /// (2) A Python repr parses back to the value it shows.
    #[test]
    fn python_repr_round_trips(model in container(python_model())) {
        let text = python_repr(&model);
        prop_assert_eq!(parse_whole(&text), expected(&model, python_float, None, 0), "{}", text);
    }

    /// (3) A util.inspect rendering parses back to the value it shows.
    #[test]
    fn node_inspect_round_trips(
        model in container(node_model()),
        width in prop::sample::select(vec![72, usize::MAX]),
        split_strings in any::<bool>(),
    ) {
        let text = node_inspect(&model, NodeStyle { depth_limit: None, width, split_strings });
        prop_assert_eq!(parse_whole(&text), expected(&model, node_number, None, 0), "{}", text);
    }

    /// (4) Valid JSON parses exactly as serde_json parses it.
    #[test]
    fn json_parses_as_serde_json_does(
        model in container(json_model()),
        escape_all in any::<bool>(),
        spaced in any::<bool>(),
    ) {
        let text = json_text(&model, escape_all, spaced);
        let by_serde: Value = serde_json::from_str(&text).expect("valid JSON");
        prop_assert_eq!(parse_whole(&text), by_serde.clone(), "{}", text);
        for rewritten in [serde_json::to_string_pretty(&by_serde), serde_json::to_string(&by_serde)] {
            let rewritten = rewritten.expect("JSON");
            let by_serde: Value = serde_json::from_str(&rewritten).expect("valid JSON");
            prop_assert_eq!(parse_whole(&rewritten), by_serde);
        }
    }

    /// (5) A rendering cut off at depth 2 parses with the cut parts null.
    #[test]
    fn depth_cut_renderings_read_the_cut_parts_as_null(
        model in container(node_model()),
        width in prop::sample::select(vec![72, usize::MAX]),
    ) {
        let text = node_inspect(&model, NodeStyle { depth_limit: Some(2), width, split_strings: false });
        prop_assert_eq!(parse_whole(&text), expected(&model, node_number, Some(2), 0), "{}", text);
    }

    /// (6) With less budget than a parse needs, it stops within the budget; with enough,
    /// it gives the same answer for the same charge.
    #[test]
    fn the_budget_bounds_the_work(
        model in container(python_model()),
        deep in 0usize..400,
        wide in 0usize..2000,
        share in 0.0f64..1.0,
    ) {
        let texts = [
            python_repr(&model),
            format!("{}{}", "[{'a': (".repeat(deep), ")}]".repeat(deep)),
            format!("[{}]", "'x', ".repeat(wide)),
        ];
        for text in texts {
            let mut full = unlimited();
            let answer = parse_literal(&text, &mut full);
            let needed = usize::MAX - full.bytes_left;
            let bytes_left = (needed as f64 * share) as usize;
            let mut budget = Budget { bytes_left };
            let limited = parse_literal(&text, &mut budget);
            prop_assert!(budget.bytes_left <= bytes_left);
            prop_assert_eq!(limited, None);
            let mut budget = Budget { bytes_left: needed + wide };
            prop_assert_eq!(parse_literal(&text, &mut budget), answer);
            prop_assert_eq!(budget.bytes_left, wide);
        }
    }
}
