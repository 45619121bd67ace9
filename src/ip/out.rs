//! Where a listing is written: text, or JSON with the same fields, through one set of calls, as
//! iproute2's print functions take a key for JSON and a format for text in the same call. So
//! each listing is written once, and its text and its JSON cannot drift apart.

use crate::json::Writer;
use crate::out::push_decimal;

pub struct Out {
    text: Vec<u8>,
    json: Option<Writer>,
    /// What ends a line inside one link's text: a newline, or a backslash with -oneline.
    line_end: &'static [u8],
}

impl Out {
    /// A listing: JSON starts an array of links, text starts empty.
    pub fn new(json: bool, pretty: bool, oneline: bool) -> Out {
        let json = json.then(|| {
            let mut writer = Writer::new(pretty);
            writer.start(b'[');
            writer
        });
        let line_end: &[u8] = if oneline { b"\\" } else { b"\n" };
        Out { text: Vec::new(), json, line_end }
    }

    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// A string: under `key` in JSON (empty: an element of the open array), in its `format` in
    /// text, where `%` stands for it (ip's print_string(PRINT_ANY, key, format, value)).
    pub fn str(&mut self, key: &str, format: &str, value: &[u8]) {
        match &mut self.json {
            Some(json) => {
                named(json, key);
                json.string(value);
            }
            None => {
                let (before, after) = format.split_once('%').unwrap_or((format, ""));
                self.text.extend_from_slice(before.as_bytes());
                self.text.extend_from_slice(value);
                self.text.extend_from_slice(after.as_bytes());
            }
        }
    }

    /// A number, the same way.
    pub fn int(&mut self, key: &str, format: &str, value: i64) {
        match &mut self.json {
            Some(json) => {
                named(json, key);
                json.int(value);
            }
            None => {
                let mut digits = Vec::new();
                push_decimal(&mut digits, value);
                self.str(key, format, &digits);
            }
        }
    }

    /// A string that text pads with blanks to `width`, then one more, as `%-16s ` does.
    pub fn padded(&mut self, key: &str, value: &[u8], width: usize) {
        self.str(key, "%", value);
        if self.json.is_none() {
            let pad = width.saturating_sub(value.len()) + 1;
            self.text.resize(self.text.len() + pad, b' ');
        }
    }

    /// A flag that is set: `key: true` in JSON, the word and a blank in text.
    pub fn flag(&mut self, key: &str) {
        self.json_literal(key, "true");
        if self.json.is_none() {
            self.text.extend_from_slice(key.as_bytes());
            self.text.push(b' ');
        }
    }

    /// Text alone: what JSON says in its keys or not at all.
    pub fn text(&mut self, text: &[u8]) {
        if self.json.is_none() {
            self.text.extend_from_slice(text);
        }
    }

    /// JSON alone.
    pub fn json_str(&mut self, key: &str, value: &[u8]) {
        if let Some(json) = &mut self.json {
            named(json, key);
            json.string(value);
        }
    }

    pub fn json_int(&mut self, key: &str, value: i64) {
        if let Some(json) = &mut self.json {
            named(json, key);
            json.int(value);
        }
    }

    /// `true`, `false` or `null` under `key`, in JSON alone.
    pub fn json_literal(&mut self, key: &str, word: &str) {
        if let Some(json) = &mut self.json {
            named(json, key);
            json.literal(word);
        }
    }

    /// The end of a line within a link's text (ip's print_nl).
    pub fn line(&mut self) {
        if self.json.is_none() {
            self.text.extend_from_slice(self.line_end);
        }
    }

    /// Opens an object (`{`) or an array (`[`) under `key` in JSON; writes `text` in text.
    pub fn open(&mut self, key: &str, bracket: u8, text: &str) {
        match &mut self.json {
            Some(json) => {
                named(json, key);
                json.start(bracket);
            }
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    pub fn close(&mut self, bracket: u8, text: &str) {
        match &mut self.json {
            Some(json) => json.end(bracket),
            None => self.text.extend_from_slice(text.as_bytes()),
        }
    }

    /// Everything written, the JSON array closed.
    pub fn finish(self) -> Vec<u8> {
        match self.json {
            Some(mut json) => {
                json.end(b']');
                json.finish()
            }
            None => self.text,
        }
    }
}

fn named(json: &mut Writer, key: &str) {
    if !key.is_empty() {
        json.name(key);
    }
}

/// `%x`, or `%02x` with `min_digits` 2.
pub fn push_hex(out: &mut Vec<u8>, n: u64, min_digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(min_digits);
    for shift in (0..digits).rev() {
        out.push(HEX[(n >> (4 * shift)) as usize & 0xf]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(write: impl Fn(&mut Out)) -> (String, String) {
        let mut text = Out::new(false, false, false);
        let mut json = Out::new(true, false, false);
        write(&mut text);
        json.open("", b'{', "");
        write(&mut json);
        json.close(b'}', "");
        let string = |out: Out| String::from_utf8(out.finish()).unwrap();
        (string(text), string(json))
    }

    #[test]
    fn one_call_writes_text_or_json() {
        let (text, json) = both(|out| {
            out.int("ifindex", "%: ", 3);
            out.padded("ifname", b"v0", 6);
            out.open("flags", b'[', "<");
            out.str("", "%,", b"UP");
            out.str("", "%", b"LOWER_UP");
            out.close(b']', "> ");
            out.flag("dynamic");
            out.line();
            out.text(b"    brd ");
            out.json_literal("link_pointtopoint", "true");
            out.str("broadcast", "%\n", b"ff");
        });
        assert_eq!(text, "3: v0     <UP,LOWER_UP> dynamic \n    brd ff\n");
        assert_eq!(
            json,
            "[{\"ifindex\":3,\"ifname\":\"v0\",\"flags\":[\"UP\",\"LOWER_UP\"],\"dynamic\":true,\
             \"link_pointtopoint\":true,\"broadcast\":\"ff\"}]\n"
        );
    }

    #[test]
    fn oneline_ends_inner_lines_with_a_backslash() {
        let mut out = Out::new(false, false, true);
        out.text(b"a");
        out.line();
        out.text(b"b\n");
        assert_eq!(out.finish(), b"a\\b\n");
    }

    #[test]
    fn hex_as_printf() {
        for (n, min, expected) in [(0, 1, "0"), (0, 2, "00"), (0xa, 2, "0a"), (0x80000, 1, "80000")]
        {
            let mut out = Vec::new();
            push_hex(&mut out, n, min);
            assert_eq!(out, expected.as_bytes());
        }
    }
}
