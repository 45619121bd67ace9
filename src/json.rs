//! The JSON that `ip -j` prints for `list`, `list-id` and `tuntap show`: an array of objects,
//! laid out byte for byte as iproute2's writer lays it out, plain or pretty.

use crate::error::push_decimal;

/// An array of objects being written.
pub struct Array {
    out: Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Whether the next item needs a comma before it.
    sep: bool,
}

/// One value: iproute2 writes an array's items on one line, an object's fields one a line.
pub enum Value<'a> {
    Str(&'a [u8]),
    Int(i64),
    List(&'a [Value<'a>]),
    Object(&'a [(&'a str, Value<'a>)]),
}

impl Array {
    pub fn new(pretty: bool) -> Array {
        let mut array = Array { out: Vec::new(), pretty, depth: 0, sep: false };
        array.open_list();
        array
    }

    /// Adds an object with these fields, in this order.
    pub fn object(&mut self, fields: &[(&str, Value<'_>)]) {
        self.value(&Value::Object(fields));
    }

    /// The finished text, newline included.
    pub fn finish(mut self) -> Vec<u8> {
        self.close_list();
        self.out.push(b'\n');
        self.out
    }

    fn value(&mut self, value: &Value<'_>) {
        match value {
            Value::Str(text) => {
                self.separate();
                escape(&mut self.out, text);
            }
            Value::Int(n) => {
                self.separate();
                push_decimal(&mut self.out, *n);
            }
            Value::List(items) => {
                self.open_list();
                items.iter().for_each(|item| self.value(item));
                self.close_list();
            }
            Value::Object(fields) => {
                self.open(b'{');
                for (key, value) in fields.iter() {
                    self.separate();
                    self.newline();
                    self.out.push(b'"');
                    self.out.extend_from_slice(key.as_bytes());
                    self.out.extend_from_slice(if self.pretty { b"\": " } else { b"\":" });
                    self.sep = false;
                    self.value(value);
                }
                self.close(b'}');
            }
        }
    }

    fn open(&mut self, bracket: u8) {
        self.separate();
        self.out.push(bracket);
        self.depth += 1;
        self.sep = false;
    }

    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.sep {
            self.newline();
        }
        self.out.push(bracket);
        self.sep = true;
    }

    fn open_list(&mut self) {
        self.open(b'[');
        if self.pretty {
            self.out.push(b' ');
        }
    }

    fn close_list(&mut self) {
        if self.pretty && self.sep {
            self.out.push(b' ');
        }
        self.sep = false;
        self.close(b']');
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

/// Control bytes become \u00XX (iproute2 before 7.0 wrote them raw, which is not JSON); other
/// bytes, UTF-8 or not, pass through.
fn escape(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    for &b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x08 => out.extend_from_slice(b"\\b"),
            0..0x20 | 0x7f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
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
        escape(&mut out, b"a\"b\\c\nd\te\x01f\x7f\xff");
        assert_eq!(out, b"\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f\xff\"");
    }
}
