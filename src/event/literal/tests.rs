//! Unit tests of the literal parser: whole log lines as Python and Node print them, then one
//! construct at a time, then the bounds.

use super::*;
use serde_json::json;

// -----------------------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------------------

pub(super) fn unlimited() -> Budget {
    Budget {
        bytes_left: usize::MAX,
    }
}

pub(super) fn parse(text: &str) -> Option<Value> {
    parse_literal(text, &mut unlimited()).map(|(value, _)| value)
}

/// Parses a literal that must take the whole text.
pub(super) fn parse_whole(text: &str) -> Value {
    let (value, length) = parse_literal(text, &mut unlimited()).expect("a literal");
    assert_eq!(length, text.len(), "the literal should take the whole text");
    value
}

/// What a caller does with a log line: parse from its first `{`.
pub(super) fn event_in_line(line: &str) -> Value {
    let start = line.find('{').expect("a brace");
    let (value, length) = parse_literal(&line[start..], &mut unlimited()).expect("a literal");
    assert_eq!(
        line[start + length..].trim(),
        "",
        "only the line's newline may follow"
    );
    value
}

/// How many byte examinations a parse made, and how many bytes it was charged.
pub(super) fn work_for(text: &str) -> (usize, usize) {
    let mut parser = Parser::new(text, usize::MAX);
    let _ = parser.literal();
    (parser.examinations, parser.seen)
}

pub(super) fn ringing_participant(status: &str) -> Value {
    json!({
        "CallId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        "ParticipantTag": "LEG-A",
        "To": "+12065551212",
        "From": "+15105550101",
        "Direction": "Outbound",
        "StartTimeInMilliseconds": "1641998241509",
        "Status": status
    })
}

pub(super) fn call_details(participants: Value) -> Value {
    json!({
        "TransactionId": "1733387d-df28-4c01-8c28-21347b16ddcf",
        "AwsAccountId": "111122223333",
        "AwsRegion": "us-east-1",
        "SipMediaApplicationId": "0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "Participants": participants
    })
}

// -----------------------------------------------------------------------------------------
// Whole log lines, as python3 3.11 and node 20 printed them
// -----------------------------------------------------------------------------------------

/// `print(event)` in a Python handler.
pub(crate) const PYTHON_PRINT: &str = r#"{'SchemaVersion': '1.0', 'Sequence': 2, 'InvocationEventType': 'RINGING', 'CallDetails': {'TransactionId': '1733387d-df28-4c01-8c28-21347b16ddcf', 'AwsAccountId': '111122223333', 'AwsRegion': 'us-east-1', 'SipMediaApplicationId': '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'Participants': [{'CallId': '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', 'ParticipantTag': 'LEG-A', 'To': '+12065551212', 'From': '+15105550101', 'Direction': 'Outbound', 'StartTimeInMilliseconds': '1641998241509', 'Status': 'Connected'}]}}"#;

/// `logger.info(event)` under the Python Lambda runtime's log format.
pub(crate) const PYTHON_LOGGER: &str = "[INFO]\t2026-11-29T19:30:00.123Z\t6f1c2d3e-1111-2222-3333-444455556666\t{'SchemaVersion': '1.0', 'Sequence': 3, 'InvocationEventType': 'CALL_ANSWERED', 'ActionData': {'Type': 'CallCreateRequest', 'Parameters': {'Arguments': {'CallerName': \"O'Brien\", 'Note': 'line1\\nline2\\ttab \\\\ \"q\"', 'Amount': Decimal('12.50')}}}, 'CallDetails': {'TransactionId': '1733387d-df28-4c01-8c28-21347b16ddcf', 'AwsAccountId': '111122223333', 'AwsRegion': 'us-east-1', 'SipMediaApplicationId': '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'Participants': [{'CallId': '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', 'ParticipantTag': 'LEG-A', 'To': '+12065551212', 'From': '+15105550101', 'Direction': 'Outbound', 'StartTimeInMilliseconds': '1641998241509', 'Status': 'Connected'}]}}";

/// `print('Request', event)`.
pub(crate) const PYTHON_LABELLED: &str = r#"Request {'SchemaVersion': '1.0', 'Sequence': 4, 'InvocationEventType': 'HANGUP', 'ActionData': {'Type': 'Hangup', 'Parameters': {'SipResponseCode': '0', 'CallId': '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', 'ParticipantTag': 'LEG-A'}}, 'CallDetails': {'TransactionId': '1733387d-df28-4c01-8c28-21347b16ddcf', 'AwsAccountId': '111122223333', 'AwsRegion': 'us-east-1', 'SipMediaApplicationId': '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', 'Participants': [{'CallId': '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', 'ParticipantTag': 'LEG-A', 'To': '+12065551212', 'From': '+15105550101', 'Direction': 'Outbound', 'StartTimeInMilliseconds': '1641998241509', 'Status': 'Disconnected'}, {'CallId': '1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e', 'ParticipantTag': 'LEG-B', 'To': '+12065551212', 'From': '+15105550101', 'Direction': 'Inbound', 'StartTimeInMilliseconds': '1641998241509', 'Status': 'Disconnected'}]}}"#;

/// `console.log('Request', event)` under the Node Lambda runtime: nesting past depth 2 is
/// cut to `[Object]`, so the participants are lost but the event is still an event.
pub(crate) const NODE_LAMBDA: &str =
    "2026-11-29T19:30:00.123Z\t6f1c2d3e-1111-2222-3333-444455556666\tINFO\tRequest {
  SchemaVersion: '1.0',
  Sequence: 2,
  InvocationEventType: 'NEW_OUTBOUND_CALL',
  ActionData: { Type: 'CallCreateRequest', Parameters: { Arguments: [Object] } },
  CallDetails: {
    TransactionId: '1733387d-df28-4c01-8c28-21347b16ddcf',
    AwsAccountId: '111122223333',
    AwsRegion: 'us-east-1',
    SipMediaApplicationId: '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
    Participants: [ [Object] ]
  }
}
";

/// `console.log('Event:', event)` for a HANGUP with two legs.
pub(crate) const NODE_HANGUP: &str =
    "2026-11-29T19:30:00.123Z\t6f1c2d3e-1111-2222-3333-444455556666\tINFO\tEvent: {
  SchemaVersion: '1.0',
  Sequence: 5,
  InvocationEventType: 'HANGUP',
  ActionData: {
    Type: 'Hangup',
    Parameters: {
      SipResponseCode: '0',
      CallId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      ParticipantTag: 'LEG-A'
    }
  },
  CallDetails: {
    TransactionId: '1733387d-df28-4c01-8c28-21347b16ddcf',
    AwsAccountId: '111122223333',
    AwsRegion: 'us-east-1',
    SipMediaApplicationId: '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
    Participants: [ [Object], [Object] ]
  }
}
";

/// `console.log(event.CallDetails.Participants)`: shallow enough to show in full.
const NODE_PARTICIPANTS: &str = "[
  {
    CallId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    ParticipantTag: 'LEG-A',
    To: '+12065551212',
    From: '+15105550101',
    Direction: 'Outbound',
    StartTimeInMilliseconds: '1641998241509',
    Status: 'Connected'
  }
]
";

/// `util.inspect(..., { depth: 5 })` of CallDetails.
const NODE_DEEP: &str = "{
  CallDetails: {
    TransactionId: '1733387d-df28-4c01-8c28-21347b16ddcf',
    AwsAccountId: '111122223333',
    AwsRegion: 'us-east-1',
    SipMediaApplicationId: '0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
    Participants: [
      {
        CallId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
        ParticipantTag: 'LEG-A',
        To: '+12065551212',
        From: '+15105550101',
        Direction: 'Outbound',
        StartTimeInMilliseconds: '1641998241509',
        Status: 'Connected'
      }
    ]
  }
}";

/// Everything odd Python's repr writes, from one `print` (python3 3.11).
const PYTHON_SINK: &str = r#"{'a': "it's", 'b': 'both\'"', 'c': '\x1b\x00\x7f\x9f\x08\x0c\x0b\r\n\t\\', 'd': '\ud800', 'e': 'é😀\u2028\ufeff\U000e0001\u0378', 1: (1,), 2: (), (1, 2): set(), 3: {1, 2}, 4: frozenset(), 5: inf, 6: nan, 7: -inf, 8: 1e+16, 9: 1.5e-05, 10: -0.0, 11: 1000000000000000000000000000000, 12: Decimal('1.5'), 13: b"\x00ab\xff'", 14: None, 15: True, 16: datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), 17: OrderedDict([('a', 1)]), 18: defaultdict(<class 'list'>, {'x': [1]}), 19: Ellipsis, 20: <object object at 0x7f9f6f46c6f0>, 21: 123.0, 22: 0.0001, 23: 1e-05}"#;

/// Everything odd util.inspect writes, from one `console.log` (node 20).
const NODE_SINK: &str = r#"{
  quoted: { '1': 2, 'x-foo': 'bar' },
  q: [ "it's", `say "hi" it's`, 'all\'"`' ],
  esc: '\\ \b\f\x0B\r\n\t\x1B\x00\x7F é😀',
  nums: [ NaN, Infinity, -Infinity, -0, 1e+21, 1e-7, 123n, 0.5 ],
  nothing: [ null, undefined, true, false ],
  fns: [
    [Function: named],
    [Function (anonymous)],
    [class X],
    Symbol(my key)
  ],
  g: [Getter],
  gs: [Getter/Setter],
  map: Map(2) { 'a' => 1, 'b' => { c: 2 } },
  set: Set(2) { 1, 'two' },
  bare: [Object: null prototype] { z: 26 },
  foo: Foo { a: 1 },
  circ: <ref *1> { name: 'x', self: [Circular *1] },
  when: 2022-01-12T14:37:21.509Z,
  [Symbol(sym)]: 's'
}"#;

/// A long array as node 20 prints it: packed into columns, then cut off.
const NODE_LONG_ARRAY: &str = "[
  0,  'x', 2,  'x', 4,  'x', 6,  'x', 8,  'x', 10, 'x',
  12, 'x', 14, 'x', 16, 'x', 18, 'x', 20, 'x', 22, 'x',
  24, 'x', 26, 'x', 28, 'x', 30, 'x', 32, 'x', 34, 'x',
  36, 'x', 38, 'x', 40, 'x', 42, 'x', 44, 'x', 46, 'x',
  48, 'x', 50, 'x', 52, 'x', 54, 'x', 56, 'x', 58, 'x',
  60, 'x', 62, 'x', 64, 'x', 66, 'x', 68, 'x', 70, 'x',
  72, 'x', 74, 'x', 76, 'x', 78, 'x', 80, 'x', 82, 'x',
  84, 'x', 86, 'x', 88, 'x', 90, 'x', 92, 'x', 94, 'x',
  96, 'x', 98, 'x',
  ... 3 more items
]";

#[test]
fn python_print_of_an_event() {
    let expected = json!({
        "SchemaVersion": "1.0",
        "Sequence": 2,
        "InvocationEventType": "RINGING",
        "CallDetails": call_details(json!([ringing_participant("Connected")]))
    });
    assert_eq!(parse_whole(PYTHON_PRINT), expected);
}

#[test]
fn python_lambda_logger_line() {
    assert_eq!(
        parse(PYTHON_LOGGER),
        None,
        "the [INFO] prefix is no literal"
    );
    let expected = json!({
        "SchemaVersion": "1.0",
        "Sequence": 3,
        "InvocationEventType": "CALL_ANSWERED",
        "ActionData": {
            "Type": "CallCreateRequest",
            "Parameters": { "Arguments": {
                "CallerName": "O'Brien",
                "Note": "line1\nline2\ttab \\ \"q\"",
                "Amount": "12.50"
            } }
        },
        "CallDetails": call_details(json!([ringing_participant("Connected")]))
    });
    assert_eq!(event_in_line(PYTHON_LOGGER), expected);
}

#[test]
fn python_labelled_print() {
    let event = event_in_line(PYTHON_LABELLED);
    assert_eq!(event["InvocationEventType"], "HANGUP");
    assert_eq!(event["ActionData"]["Parameters"]["SipResponseCode"], "0");
    let participants = event["CallDetails"]["Participants"]
        .as_array()
        .expect("legs");
    assert_eq!(participants.len(), 2);
    assert_eq!(participants[1]["ParticipantTag"], "LEG-B");
    assert_eq!(participants[1]["Status"], "Disconnected");
}

#[test]
fn node_lambda_line_cut_at_depth_two_still_reads_as_an_event() {
    let event = event_in_line(NODE_LAMBDA);
    let expected = json!({
        "SchemaVersion": "1.0",
        "Sequence": 2,
        "InvocationEventType": "NEW_OUTBOUND_CALL",
        "ActionData": { "Type": "CallCreateRequest", "Parameters": { "Arguments": null } },
        "CallDetails": call_details(json!([null]))
    });
    assert_eq!(event, expected);
    // The literal ends at its closing brace, before the line's newline.
    let start = NODE_LAMBDA.find('{').expect("a brace");
    let (_, length) = parse_literal(&NODE_LAMBDA[start..], &mut unlimited()).expect("event");
    assert_eq!(&NODE_LAMBDA[start + length..], "\n");
}

#[test]
fn node_hangup_with_two_cut_legs() {
    let event = event_in_line(NODE_HANGUP);
    assert_eq!(event["Sequence"], 5);
    assert_eq!(event["InvocationEventType"], "HANGUP");
    assert_eq!(event["ActionData"]["Parameters"]["ParticipantTag"], "LEG-A");
    assert_eq!(
        event["CallDetails"]["TransactionId"],
        "1733387d-df28-4c01-8c28-21347b16ddcf"
    );
    assert_eq!(event["CallDetails"]["Participants"], json!([null, null]));
}

#[test]
fn node_shallow_and_deep_renderings_show_the_participants() {
    assert_eq!(
        parse(NODE_PARTICIPANTS),
        Some(json!([ringing_participant("Connected")]))
    );
    assert_eq!(
        parse_whole(NODE_DEEP),
        json!({ "CallDetails": call_details(json!([ringing_participant("Connected")])) })
    );
}

#[test]
fn python_sink() {
    let expected = json!({
        "a": "it's",
        "b": "both'\"",
        "c": "\u{1b}\u{0}\u{7f}\u{9f}\u{8}\u{c}\u{b}\r\n\t\\",
        "d": "\u{fffd}",
        "e": "é😀\u{2028}\u{feff}\u{e0001}\u{378}",
        "1": [1],
        "2": [],
        "(1, 2)": [],
        "3": [1, 2],
        "4": [],
        "5": null,
        "6": null,
        "7": null,
        "8": 1e16,
        "9": 1.5e-5,
        "10": -0.0,
        "11": "1000000000000000000000000000000",
        "12": "1.5",
        "13": "\u{0}ab\u{ff}'",
        "14": null,
        "15": true,
        "16": null,
        "17": [["a", 1]],
        "18": null,
        "19": null,
        "20": null,
        "21": 123.0,
        "22": 0.0001,
        "23": 1e-5
    });
    assert_eq!(parse_whole(PYTHON_SINK), expected);
}

#[test]
fn node_sink() {
    let expected = json!({
        "quoted": { "1": 2, "x-foo": "bar" },
        "q": ["it's", "say \"hi\" it's", "all'\"`"],
        "esc": "\\ \u{8}\u{c}\u{b}\r\n\t\u{1b}\u{0}\u{7f} é😀",
        "nums": [null, null, null, -0.0, 1e21, 1e-7, 123, 0.5],
        "nothing": [null, null, true, false],
        "fns": [null, null, null, null],
        "g": null,
        "gs": null,
        "map": { "a": 1, "b": { "c": 2 } },
        "set": [1, "two"],
        "bare": { "z": 26 },
        "foo": { "a": 1 },
        "circ": { "name": "x", "self": null },
        "when": "2022-01-12T14:37:21.509Z",
        "[Symbol(sym)]": "s"
    });
    assert_eq!(parse_whole(NODE_SINK), expected);
}

#[test]
fn node_long_array_in_columns_drops_the_more_items_note() {
    let expected: Vec<Value> = (0..100)
        .map(|i| if i % 2 == 1 { json!("x") } else { json!(i) })
        .collect();
    assert_eq!(parse_whole(NODE_LONG_ARRAY), Value::Array(expected));
}

// -----------------------------------------------------------------------------------------
// One construct at a time
// -----------------------------------------------------------------------------------------

#[test]
fn python_quotes_and_escapes() {
    assert_eq!(parse_whole(r#"["it's"]"#), json!(["it's"]));
    assert_eq!(parse_whole(r#"['both\'"']"#), json!(["both'\""]));
    assert_eq!(parse_whole(r#"['\"']"#), json!(["\""]));
    assert_eq!(
        parse_whole(r"['a\\b\n\r\t\x1b\xff\u20ac\U0001f600']"),
        json!(["a\\b\n\r\t\u{1b}\u{ff}€😀"])
    );
    assert_eq!(
        parse_whole("['{not: a, [dict]}']"),
        json!(["{not: a, [dict]}"])
    );
}

#[test]
fn python_keywords_and_numbers() {
    assert_eq!(
        parse_whole("[True, False, None, 0, -7, 3.25, -0.0, 1e+16, inf, -inf, nan]"),
        json!([true, false, null, 0, -7, 3.25, -0.0, 1e16, null, null, null])
    );
    assert_eq!(
        parse_whole("[18446744073709551615, -9223372036854775808, 18446744073709551616]"),
        json!([u64::MAX, i64::MIN, "18446744073709551616"])
    );
}

#[test]
fn python_containers() {
    assert_eq!(parse_whole("{}"), json!({}));
    assert_eq!(parse_whole("[]"), json!([]));
    assert_eq!(
        parse_whole("[(1,), (), (1, 'a')]"),
        json!([[1], [], [1, "a"]])
    );
    assert_eq!(
        parse_whole("[{1, 2}, set(), frozenset({3})]"),
        json!([[1, 2], [], [3]])
    );
    assert_eq!(
        parse_whole("{1: 'int', None: 'none', (1, 2): 'tuple', 1.5: 'float', -2: 'neg'}"),
        json!({"1": "int", "None": "none", "(1, 2)": "tuple", "1.5": "float", "-2": "neg"})
    );
    assert_eq!(
        parse_whole("{'a': {'b': [{'c': (None,)}]}}"),
        json!({"a": {"b": [{"c": [null]}]}})
    );
}

#[test]
fn python_calls_and_objects() {
    assert_eq!(
        parse_whole("{'Sequence': Decimal('2'), 'Rate': Decimal('1.5')}"),
        json!({"Sequence": "2", "Rate": "1.5"})
    );
    assert_eq!(
        parse_whole("[UUID('1733387d-df28-4c01-8c28-21347b16ddcf')]"),
        json!(["1733387d-df28-4c01-8c28-21347b16ddcf"])
    );
    assert_eq!(parse_whole("[OrderedDict({'a': 1})]"), json!([{"a": 1}]));
    assert_eq!(parse_whole("[deque([1, 2])]"), json!([[1, 2]]));
    assert_eq!(
        parse_whole("[datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc)]"),
        json!([null])
    );
    assert_eq!(
        parse_whole("[<function <lambda> at 0x7f>, Ellipsis]"),
        json!([null, null])
    );
    assert_eq!(
        parse_whole("[b'abc', b\"it's\", b'\\x00\\xff']"),
        json!(["abc", "it's", "\u{0}\u{ff}"])
    );
}

#[test]
fn python_self_containing_containers() {
    assert_eq!(
        parse_whole("{'list': [1, [...]], 'dict': {'d': {...}}}"),
        json!({"list": [1, null], "dict": {"d": null}})
    );
    assert_eq!(parse("[...]"), None);
    assert_eq!(parse("{...}"), None);
    assert_eq!(parse_whole("[..., 1]"), json!([null, 1]));
}

#[test]
fn node_keys_quotes_and_escapes() {
    assert_eq!(
        parse_whole("{ a_b: 1, 'x-foo': 'bar', '1': 2, \"it's\": 3, '': 4 }"),
        json!({"a_b": 1, "x-foo": "bar", "1": 2, "it's": 3, "": 4})
    );
    assert_eq!(parse_whole("[ `a'b\"c`, \"'\" ]"), json!(["a'b\"c", "'"]));
    assert_eq!(
        parse_whole(r"[ '\\\'\n\t\r\b\f\v\x1B\u00e9\uD83D\uDE00' ]"),
        json!(["\\'\n\t\r\u{8}\u{c}\u{b}\u{1b}é😀"])
    );
}

#[test]
fn node_words_and_numbers() {
    assert_eq!(
            parse_whole("[ true, false, null, undefined, NaN, Infinity, -Infinity, -0, 12n, -3n, 123456789012345678901234567890n ]"),
            json!([true, false, null, null, null, null, null, -0.0, 12, -3, "123456789012345678901234567890"])
        );
    assert_eq!(
        parse_whole("[ 1e+21, 1e-7, 5e-324 ]"),
        json!([1e21, 1e-7, 5e-324])
    );
    assert_eq!(
        parse_whole("{ when: 2022-01-12T14:37:21.509Z }"),
        json!({"when": "2022-01-12T14:37:21.509Z"})
    );
}

#[test]
fn node_placeholders_are_null() {
    assert_eq!(
            parse_whole("[ [Object], [Array], [Circular *1], [Function: f], [Function (anonymous)], [class X], [class Y extends X], [Getter], [Setter], [Getter/Setter], [Getter: 1], [Foo], [String: 'a]b'], Symbol(my key), Symbol(it's) ]"),
            Value::Array(vec![Value::Null; 15])
        );
    assert_eq!(
        parse_whole("[ <pending>, <Buffer 68 69> ]"),
        json!([null, null])
    );
    assert_eq!(parse_whole("{ [Symbol(k)]: 1 }"), json!({"[Symbol(k)]": 1}));
}

#[test]
fn node_prefixes_name_what_follows() {
    assert_eq!(
        parse_whole("[ Foo { a: 1 }, Foo [Bar] { b: 2 }, Baz(2) [ 1, 2 ] ]"),
        json!([{"a": 1}, {"b": 2}, [1, 2]])
    );
    assert_eq!(
        parse_whole("[ Map(1) { 'a' => 1 }, Map(0) {}, Set(1) { 1 }, Set(0) {} ]"),
        json!([{"a": 1}, {}, [1], {}])
    );
    assert_eq!(
        parse_whole("[ Map(1) { { x: 1 } => 2 } ]"),
        json!([{"{ x: 1 }": 2}])
    );
    assert_eq!(
        parse_whole("[ [Object: null prototype] {}, [Object: null prototype] { a: 1 } ]"),
        json!([{}, {"a": 1}])
    );
    assert_eq!(
        parse_whole("[Object: null prototype] { a: 1 }"),
        json!({"a": 1})
    );
    assert_eq!(
        parse_whole("{ c: <ref *1> { self: [Circular *1] }, d: <ref *2> Foo { x: 1 } }"),
        json!({"c": {"self": null}, "d": {"x": 1}})
    );
    assert_eq!(
        parse_whole("[ [Function: f] { prop: 1 } ]"),
        json!([{"prop": 1}])
    );
}

#[test]
fn node_omissions_are_dropped() {
    assert_eq!(parse_whole("[ 1, 2, ... 1 more item ]"), json!([1, 2]));
    assert_eq!(
        parse_whole("[ 1, <1 empty item>, 3, <2 empty items>, 6 ]"),
        json!([1, 3, 6])
    );
    assert_eq!(
        parse_whole("[ Map(3) { 'a' => 1, ... 2 more items } ]"),
        json!([{"a": 1}])
    );
    assert_eq!(parse_whole("[ 1, 2, extra: 'dropped' ]"), json!([1, 2]));
}

#[test]
fn node_long_strings() {
    assert_eq!(
        parse_whole("{\n  text: 'abc' +\n    'def' +\n    \"g'h\"\n}"),
        json!({"text": "abcdefg'h"})
    );
    assert_eq!(
        parse_whole("[ 'yyy'... 3 more characters ]"),
        json!(["yyy"])
    );
    assert_eq!(parse("[ 'abc' + ]"), None);
    assert_eq!(parse("[ 'abc' + 1 ]"), None);
}

#[test]
fn text_may_follow_the_literal() {
    let text = "{'a': 1} and {'b': 2}";
    let (value, length) = parse_literal(text, &mut unlimited()).expect("literal");
    assert_eq!(value, json!({"a": 1}));
    assert_eq!(&text[length..], " and {'b': 2}");
    let (_, length) = parse_literal("[ 'x' ]  ", &mut unlimited()).expect("literal");
    assert_eq!(length, 7);
}

#[test]
fn duplicate_keys_keep_the_last_value_like_serde_json() {
    let text = r#"{"a": 1, "b": 2, "a": 3}"#;
    assert_eq!(parse(text), serde_json::from_str(text).ok());
    assert_eq!(parse_whole("{ a: 1, 'a': 2 }"), json!({"a": 2}));
}

#[test]
fn bad_escapes_stay_as_written() {
    assert_eq!(
        parse_whole(r"['\q\x4g\u12\U0001f6']"),
        json!([r"\q\x4g\u12\U0001f6"])
    );
    assert_eq!(parse_whole(r"['\é']"), json!([r"\é"]));
    // Escapes of what a Rust string cannot hold become U+FFFD.
    assert_eq!(
        parse_whole(r"['\ud800', '\udc00', '\ud800\u0041', '\U00110000', '\U0000d800']"),
        json!(["\u{fffd}", "\u{fffd}", "\u{fffd}A", "\u{fffd}", "\u{fffd}"])
    );
    // A backslash at the very end leaves the string open.
    assert_eq!(parse(r"['abc\"), None);
}

#[test]
fn what_is_not_a_literal() {
    for text in [
        "",
        "Request {'a': 1}",
        "[INFO]\t2026-11-29T19:30:00.123Z\tid\t{}",
        "[Object]",
        "[Function: f]",
        "{'a': 1",
        "{'a' 1}",
        "{'a': 1,, 'b': 2}",
        "{ a: 1, 2 }",
        "{1, 'a': 2}",
        "[1 2]",
        "['unterminated]",
        "[1j]",
        "[0x1F]",
        "[012]",
        "[1e]",
        "[-]",
        "[--1]",
        "[(1+2j)]",
        "{ e: Error: boom\n    at x }",
        "[<unclosed]",
        "[Symbol(x]",
    ] {
        assert_eq!(parse(text), None, "{text:?}");
    }
}

#[test]
fn big_ints_are_kept_as_text_where_serde_json_rounds_them() {
    // The one deliberate difference from serde_json on valid JSON.
    assert_eq!(
        parse_whole("[18446744073709551616]"),
        json!(["18446744073709551616"])
    );
    assert_eq!(
        parse_whole("[-9223372036854775809]"),
        json!(["-9223372036854775809"])
    );
    // A float beyond f64 is no JSON value serde_json reads; here it is null, like inf.
    assert_eq!(parse_whole("[1e400]"), json!([null]));
}

// -----------------------------------------------------------------------------------------
// Bounds
// -----------------------------------------------------------------------------------------

#[test]
fn nesting_stops_where_serde_json_does() {
    for (open, close) in [
        ("[", "]"),
        ("{\"a\": ", "}"),
        ("(", ")"),
        ("f(", ")"),
        ("Foo { a: ", "}"),
        ("Map(1) { 'k' => ", "}"),
    ] {
        let nested =
            |levels: usize| format!("[{}1{}]", open.repeat(levels - 1), close.repeat(levels - 1));
        assert!(
            parse(&nested(MAX_NESTING)).is_some(),
            "{open} x {MAX_NESTING}"
        );
        assert_eq!(
            parse(&nested(MAX_NESTING + 1)),
            None,
            "{open} x {}",
            MAX_NESTING + 1
        );
    }
    let json = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    assert!(serde_json::from_str::<Value>(&json(MAX_NESTING)).is_ok());
    assert!(serde_json::from_str::<Value>(&json(MAX_NESTING + 1)).is_err());
}

#[test]
fn a_mebibyte_of_openers_fails_fast() {
    const MIB: usize = 1 << 20;
    for opener in [
        "[",
        "{",
        "(",
        "{'a': ",
        "[f(",
        "{ a: Foo ",
        "[<",
        "[[Object",
        "['",
        "[Symbol(",
        "[ 'a' +\n",
    ] {
        let text = format!("[{}", opener.repeat(MIB / opener.len()));
        let mut budget = unlimited();
        assert_eq!(parse_literal(&text, &mut budget), None, "{opener:?}");
        let charged = usize::MAX - budget.bytes_left;
        assert!(charged <= text.len(), "{opener:?} charged {charged}");
        let (examinations, _) = work_for(&text);
        assert!(
            examinations <= 8 * text.len(),
            "{opener:?}: {examinations} examinations"
        );
    }
}

#[test]
fn keys_nested_in_keys_cannot_copy_the_text_over_and_over() {
    // Flat keys that are not strings are fine, however many.
    let many = format!(
        "{{{}}}",
        (0..10_000)
            .map(|i| format!("({i}, {i}): {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_eq!(parse_whole(&many).as_object().map(Map::len), Some(10_000));
    // A Map keyed by a Map keyed by a Map...: each level's key would copy all inside it.
    let core = format!("[ {} ]", "1, ".repeat(10_000));
    let nested = (0..100).fold(core, |inner, _| format!("Map(1) {{ {inner} => 1 }}"));
    let text = format!("[ {nested} ]");
    assert_eq!(parse(&text), None);
    let (examinations, seen) = work_for(&text);
    assert!(
        examinations <= 10 * seen,
        "{examinations} examinations of {seen} bytes"
    );
}

#[test]
fn long_prefix_chains_and_joins_do_not_recurse() {
    let chain = format!("[ {}{{}} ]", "[Object: null prototype] ".repeat(100_000));
    assert_eq!(parse_whole(&chain), json!([{}]));
    let references = format!("[ {}{{ a: 1 }} ]", "<ref *1> ".repeat(100_000));
    assert_eq!(parse_whole(&references), json!([{"a": 1}]));
    let joined = format!("[ {}'b' ]", "'a' +\n ".repeat(100_000));
    assert_eq!(
        parse_whole(&joined),
        json!([format!("{}b", "a".repeat(100_000))])
    );
}

#[test]
fn a_wide_literal_parses_and_is_charged_once_per_byte() {
    let text = format!("[{}1]", "1, ".repeat(300_000));
    let mut budget = unlimited();
    let (value, length) = parse_literal(&text, &mut budget).expect("literal");
    assert_eq!(length, text.len());
    assert_eq!(value.as_array().map(Vec::len), Some(300_001));
    assert_eq!(usize::MAX - budget.bytes_left, text.len());
}

#[test]
fn the_budget_stops_the_parse() {
    let text = PYTHON_PRINT;
    let mut budget = Budget {
        bytes_left: text.len(),
    };
    assert!(parse_literal(text, &mut budget).is_some());
    assert_eq!(budget.bytes_left, 0);

    let mut budget = Budget {
        bytes_left: text.len() - 1,
    };
    assert_eq!(parse_literal(text, &mut budget), None);
    assert_eq!(budget.bytes_left, 0);

    let mut budget = Budget { bytes_left: 0 };
    assert_eq!(parse_literal("{}", &mut budget), None);
    assert_eq!(budget.bytes_left, 0);

    // A failure is charged what it read, so later attempts on the message get the rest.
    let mut budget = Budget { bytes_left: 100 };
    assert_eq!(parse_literal("[INFO] rest of the line", &mut budget), None);
    // It read the placeholder and looked past the space for a brace it might prefix.
    assert_eq!(budget.bytes_left, 100 - "[INFO] r".len());
}

#[test]
fn multibyte_text_at_the_budget_edge_does_not_panic() {
    let text = "['é😀é😀']";
    for bytes_left in 0..=text.len() {
        let mut budget = Budget { bytes_left };
        let parsed = parse_literal(text, &mut budget);
        assert_eq!(parsed.is_some(), bytes_left == text.len());
    }
}
