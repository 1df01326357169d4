//! The one place every problem found in the spec goes.
//!
//! Modelled on serde_derive's `Ctxt`: loading and resolving report into it and carry on, so one
//! run shows every problem; [`Ctxt::check`] hands them over. Dropping a context that holds
//! unread problems is a bug in the caller, and panics in debug builds, so problems cannot be
//! thrown away by accident.

use std::cell::RefCell;

use crate::diag::{Diagnostic, Diagnostics};

/// Collects the diagnostics of one load-and-resolve run.
#[derive(Debug, Default)]
pub struct Ctxt {
    /// `None` once [`Ctxt::check`] or [`Ctxt::take`] has run.
    found: RefCell<Option<Vec<Diagnostic>>>,
}

impl Ctxt {
    /// An empty context.
    pub fn new() -> Ctxt {
        Ctxt {
            found: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records a problem.
    pub fn push(&self, diagnostic: Diagnostic) {
        if let Some(found) = self.found.borrow_mut().as_mut() {
            found.push(diagnostic);
        }
    }

    /// Whether anything was recorded so far.
    pub fn has_errors(&self) -> bool {
        self.found.borrow().as_ref().is_some_and(|f| !f.is_empty())
    }

    /// Every problem recorded, sorted by file and position (empty when there were none).
    pub fn take(self) -> Diagnostics {
        let found = self.found.borrow_mut().take().unwrap_or_default();
        let mut diagnostics = Diagnostics(found);
        diagnostics.sort();
        diagnostics
    }

    /// `Ok(())` when nothing was recorded, else every problem.
    pub fn check(self) -> Result<(), Diagnostics> {
        let diagnostics = self.take();
        if diagnostics.is_empty() {
            Ok(())
        } else {
            Err(diagnostics)
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        let unread = self.found.get_mut().as_ref().is_some_and(|f| !f.is_empty());
        if unread && !std::thread::panicking() {
            debug_assert!(false, "spec problems were collected but never read");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_and_sorts() {
        let cx = Ctxt::new();
        assert!(!cx.has_errors());
        cx.push(Diagnostic::file("b.json", "second"));
        cx.push(Diagnostic::file("a.json", "first"));
        assert!(cx.has_errors());
        let found = cx.check().unwrap_err();
        assert_eq!(found.0[0].message, "first");
        assert_eq!(found.0.len(), 2);
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "never read")]
    fn unread_problems_are_a_bug() {
        let cx = Ctxt::new();
        cx.push(Diagnostic::file("a.json", "lost"));
    }
}
