//! Located errors in spec files, rendered the way rustc renders its own.

use std::fmt;

/// A 1-based line and column in a spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One problem found in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user would name it, e.g. `spec/auth/otp.json`.
    pub file: String,
    /// The entry, e.g. `otp.update_email.body.addToLoginIDs`, where known.
    pub entry: Option<String>,
    /// Where in the file, where known.
    pub at: Option<LineCol>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The offending source line, for the snippet.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file or folder (no position).
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            entry: None,
            at: None,
            message: message.into(),
            source_line: None,
        }
    }

    /// Attaches the position and the source line it points into.
    pub fn at(mut self, text: &str, at: Option<LineCol>) -> Self {
        self.source_line = at.and_then(|at| text.lines().nth(at.line - 1).map(str::to_owned));
        self.at = at;
        self
    }

    /// Attaches the entry path.
    pub fn entry(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        match self.at {
            Some(at) => write!(f, "  --> {}:{}:{}", self.file, at.line, at.column)?,
            None => write!(f, "  --> {}", self.file)?,
        }
        if let (Some(at), Some(line)) = (self.at, &self.source_line) {
            let number = at.line.to_string();
            let pad = " ".repeat(number.len());
            let caret = " ".repeat(at.column.saturating_sub(1));
            write!(f, "\n{pad} |\n{number} | {line}\n{pad} | {caret}^")?;
        }
        if let Some(entry) = &self.entry {
            write!(f, "\n   = in entry `{entry}`")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run, in file and position order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file and position; the order of equal keys is kept.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.file, a.at).cmp(&(&b.file, b.at)));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
