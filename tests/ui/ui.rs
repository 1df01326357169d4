//! trybuild cases, compiled in a crate whose only dependency is descope-api, as a user's would be.
//!
//! - `fail/spec_*.rs`: a bad spec under `specs/` is a compile error naming the file, the entry and
//!   the line:column (the `.stderr` beside each case is the interface under test);
//! - `fail/*.rs` (others): misuse of the generated API does not compile;
//! - `pass/*.rs`: the API as a user writes it compiles, lint-clean.
//!
//! One test function, so trybuild builds one project for all cases.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("fail/*.rs");
    cases.pass("pass/*.rs");
}
