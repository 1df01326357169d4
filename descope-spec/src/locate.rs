//! Where each value of a JSON document starts, by JSON pointer.
//!
//! serde_json reports positions for syntax and shape errors but forgets them once a value is
//! parsed; the checks that run on the parsed model look positions up here instead.

use std::collections::HashMap;

use crate::diag::LineCol;

/// Start positions of every value in one (valid) JSON document, keyed by JSON pointer
/// (`/endpoints/0/body/2/default`; the root is `""`).
#[derive(Clone, Debug, Default)]
pub struct Locator {
    positions: HashMap<String, LineCol>,
}

impl Locator {
    /// Indexes `text`. On text that is not valid JSON it indexes what it can and stops.
    pub fn new(text: &str) -> Self {
        let mut scanner = Scanner {
            chars: text.chars().peekable(),
            at: LineCol { line: 1, column: 1 },
            positions: HashMap::new(),
        };
        let mut pointer = String::new();
        scanner.value(&mut pointer);
        Locator {
            positions: scanner.positions,
        }
    }

    /// Where the value at `pointer` starts, or the nearest enclosing value that is known.
    pub fn find(&self, pointer: &str) -> Option<LineCol> {
        let mut pointer = pointer;
        loop {
            if let Some(at) = self.positions.get(pointer) {
                return Some(*at);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }
}

struct Scanner<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    at: LineCol,
    positions: HashMap<String, LineCol>,
}

impl Scanner<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.at.line += 1;
            self.at.column = 1;
        } else {
            self.at.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.bump();
        }
    }

    fn value(&mut self, pointer: &mut String) -> Option<()> {
        self.skip_ws();
        self.positions.insert(pointer.clone(), self.at);
        match *self.chars.peek()? {
            '{' => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.chars.peek()? {
                        '}' => {
                            self.bump();
                            return Some(());
                        }
                        ',' => {
                            self.bump();
                        }
                        _ => {
                            let key = self.string()?;
                            self.skip_ws();
                            self.bump(); // ':'
                            let len = pointer.len();
                            pointer.push('/');
                            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                            self.value(pointer)?;
                            pointer.truncate(len);
                        }
                    }
                }
            }
            '[' => {
                self.bump();
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.chars.peek()? {
                        ']' => {
                            self.bump();
                            return Some(());
                        }
                        ',' => {
                            self.bump();
                        }
                        _ => {
                            let len = pointer.len();
                            pointer.push('/');
                            pointer.push_str(&index.to_string());
                            self.value(pointer)?;
                            pointer.truncate(len);
                            index += 1;
                        }
                    }
                }
            }
            '"' => self.string().map(drop),
            _ => {
                while self
                    .chars
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace())
                {
                    self.bump();
                }
                Some(())
            }
        }
    }

    /// Reads a string literal; escapes are kept only as far as keys need them.
    fn string(&mut self) -> Option<String> {
        if self.bump()? != '"' {
            return None;
        }
        let mut out = String::new();
        loop {
            match self.bump()? {
                '"' => return Some(out),
                '\\' => {
                    let escaped = self.bump()?;
                    if escaped == 'u' {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    } else {
                        out.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            other => other,
                        });
                    }
                }
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values_and_falls_back_to_parents() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c/d\": true\n}";
        let locator = Locator::new(text);
        assert_eq!(locator.find(""), Some(LineCol { line: 1, column: 1 }));
        assert_eq!(locator.find("/a"), Some(LineCol { line: 2, column: 8 }));
        assert_eq!(
            locator.find("/a/1/b"),
            Some(LineCol {
                line: 2,
                column: 18
            })
        );
        assert_eq!(
            locator.find("/c~1d"),
            Some(LineCol {
                line: 3,
                column: 10
            })
        );
        assert_eq!(locator.find("/a/1/zzz"), locator.find("/a/1"));
    }
}
