//! The JSON that `ip -j` prints, laid out byte for byte as iproute2's writer lays it out, plain
//! or pretty: a streaming writer, and on it the arrays of flat objects of `list` and `list-id`.

use crate::out::push_decimal;

/// iproute2's json_writer: values, names, objects and arrays in the order they come, with the
/// commas between them and, when pretty, its line breaks and indents.
pub struct Writer {
    out: Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Whether the next item needs a comma before it.
    sep: bool,
}

impl Writer {
    pub fn new(pretty: bool) -> Writer {
        Writer { out: Vec::new(), pretty, depth: 0, sep: false }
    }

    /// Opens an object (`{`) or an array (`[`).
    pub fn start(&mut self, bracket: u8) {
        self.separate();
        self.out.push(bracket);
        self.depth += 1;
        self.sep = false;
        if bracket == b'[' && self.pretty {
            self.out.push(b' ');
        }
    }

    /// Closes an object (`}`) or an array (`]`): an object's end goes on a line of its own,
    /// an array's does not.
    pub fn end(&mut self, bracket: u8) {
        if bracket == b']' {
            if self.pretty && self.sep {
                self.out.push(b' ');
            }
            self.sep = false;
        }
        self.depth = self.depth.saturating_sub(1);
        if self.sep {
            self.newline();
        }
        self.out.push(bracket);
        self.sep = true;
    }

    /// The name of the field whose value comes next.
    pub fn name(&mut self, key: &str) {
        self.separate();
        self.newline();
        self.sep = false;
        escape(&mut self.out, key.as_bytes());
        self.out.extend_from_slice(if self.pretty { b": " } else { b":" });
    }

    pub fn string(&mut self, text: &[u8]) {
        self.separate();
        escape(&mut self.out, text);
    }

    pub fn int(&mut self, n: i64) {
        self.separate();
        push_decimal(&mut self.out, n);
    }

    /// `true`, `false` or `null`.
    pub fn literal(&mut self, word: &str) {
        self.separate();
        self.out.extend_from_slice(word.as_bytes());
    }

    /// The finished text, newline included.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(b'\n');
        self.out
    }

    fn separate(&mut self) {
        if self.sep {
            self.out.push(b',');
        }
        self.sep = true;
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + 4 * self.depth, b' ');
        }
    }
}

/// An array of objects being written.
pub struct Array(Writer);

/// One value: iproute2 writes an array's items on one line, an object's fields one a line.
pub enum Value<'a> {
    Str(&'a [u8]),
    Int(i64),
    List(&'a [Value<'a>]),
    Object(&'a [(&'a str, Value<'a>)]),
}

impl Writer {
    /// A whole value, lists and objects with what they hold.
    pub fn value(&mut self, value: &Value<'_>) {
        match value {
            Value::Str(text) => self.string(text),
            Value::Int(n) => self.int(*n),
            Value::List(items) => {
                self.start(b'[');
                items.iter().for_each(|item| self.value(item));
                self.end(b']');
            }
            Value::Object(fields) => {
                self.start(b'{');
                for (key, value) in fields.iter() {
                    self.name(key);
                    self.value(value);
                }
                self.end(b'}');
            }
        }
    }
}

impl Array {
    pub fn new(pretty: bool) -> Array {
        let mut writer = Writer::new(pretty);
        writer.start(b'[');
        Array(writer)
    }

    /// Adds an object with these fields, in this order.
    pub fn object(&mut self, fields: &[(&str, Value<'_>)]) {
        self.0.value(&Value::Object(fields));
    }

    /// The finished text, newline included.
    pub fn finish(mut self) -> Vec<u8> {
        self.0.end(b']');
        self.0.finish()
    }
}

/// Control bytes become \u00XX (iproute2 before 7.0 wrote them raw, which is not JSON); other
/// UTF-8 passes through as iproute2 writes it. A byte that is not part of UTF-8 (a name is
/// any bytes) becomes \u00XX too, the character with its number (its Latin-1 reading), so the
/// output stays JSON that every reader takes.
fn escape(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    for chunk in text.utf8_chunks() {
        for &b in chunk.valid().as_bytes() {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\r' => out.extend_from_slice(b"\\r"),
                0x0c => out.extend_from_slice(b"\\f"),
                0x08 => out.extend_from_slice(b"\\b"),
                0..0x20 | 0x7f => push_u00(out, b),
                _ => out.push(b),
            }
        }
        chunk.invalid().iter().for_each(|b| push_u00(out, *b));
    }
    out.push(b'"');
}

/// `\u00XX`: the character numbered `b`.
fn push_u00(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\u00");
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 0xf)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_namespaces(pretty: bool) -> String {
        let mut array = Array::new(pretty);
        array.object(&[("name", Value::Str(b"b"))]);
        array.object(&[("name", Value::Str(b"a")), ("id", Value::Int(5))]);
        String::from_utf8(array.finish()).unwrap()
    }

    #[test]
    fn plain_list_as_ip_j_netns() {
        assert_eq!(two_namespaces(false), "[{\"name\":\"b\"},{\"name\":\"a\",\"id\":5}]\n");
    }

    #[test]
    fn pretty_list_as_ip_j_p_netns() {
        let expected = "[ {\n        \"name\": \"b\"\n    },{\n        \"name\": \"a\",\n        \"id\": 5\n    } ]\n";
        assert_eq!(two_namespaces(true), expected);
    }

    /// `ip -j [-p] -d tuntap show` for a tap with one attached process and a tun with none.
    fn two_devices(pretty: bool) -> String {
        let mut array = Array::new(pretty);
        let flags = [Value::Str(b"tap"), Value::Str(b"persist")];
        let process = [("name", Value::Str(b"qemu")), ("pid", Value::Int(7))];
        let processes = [Value::Object(&process)];
        array.object(&[
            ("ifname", Value::Str(b"tap0")),
            ("flags", Value::List(&flags)),
            ("user", Value::Int(4294967294)),
            ("processes", Value::List(&processes)),
        ]);
        array.object(&[("ifname", Value::Str(b"tun0")), ("processes", Value::List(&[]))]);
        String::from_utf8(array.finish()).unwrap()
    }

    #[test]
    fn nested_lists_and_objects_as_iproute2s_writer_lays_them_out() {
        let plain = "[{\"ifname\":\"tap0\",\"flags\":[\"tap\",\"persist\"],\"user\":4294967294,\
            \"processes\":[{\"name\":\"qemu\",\"pid\":7}]},{\"ifname\":\"tun0\",\"processes\":[]}]\n";
        assert_eq!(two_devices(false), plain);
        let pretty = "[ {
        \"ifname\": \"tap0\",
        \"flags\": [ \"tap\",\"persist\" ],
        \"user\": 4294967294,
        \"processes\": [ {
                \"name\": \"qemu\",
                \"pid\": 7
            } ]
    },{
        \"ifname\": \"tun0\",
        \"processes\": [ ]
    } ]
";
        assert_eq!(two_devices(true), pretty);
    }

    #[test]
    fn empty_arrays() {
        assert_eq!(Array::new(false).finish(), b"[]\n");
        assert_eq!(Array::new(true).finish(), b"[ ]\n");
    }

    #[test]
    fn escapes_quotes_backslashes_and_control_bytes() {
        let mut out = Vec::new();
        escape(&mut out, b"a\"b\\c\nd\te\x01f\x7f");
        assert_eq!(out, b"\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f\"");
    }

    #[test]
    fn utf8_passes_through_and_other_bytes_become_characters() {
        let mut out = Vec::new();
        escape(&mut out, "é€\u{1f600}".as_bytes());
        assert_eq!(out, "\"é€\u{1f600}\"".as_bytes());
        out.clear();
        // A stray byte, a cut-off sequence, and a sequence that is not UTF-8 (an encoded
        // surrogate), around valid text.
        escape(&mut out, b"\xffa\xe2\x82b\xed\xa0\x80\xc3\xa9");
        assert_eq!(out, "\"\\u00ffa\\u00e2\\u0082b\\u00ed\\u00a0\\u0080é\"".as_bytes());
    }
}
