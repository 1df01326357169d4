//! `conform`: how well the spec covers and matches the published operations of some API areas.
//!
//! It reports (a) published operations no spec endpoint stands for, (b) spec endpoints (after
//! placeholder expansion) the document does not know, and (c) per matched operation every
//! difference in method, auth style, query and body fields (names, types, defaults, down through
//! the object types they use) and reply fields (names, and types the spec could not decode).
//! Differences listed in the allow-list are reported as allowed; entries that allow nothing are
//! stale, which is an error too.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use descope_spec::Api as Model;

use crate::allow::AllowList;
use crate::compare::compare_pairs;
use crate::matching::{EpRef, Matches};
use crate::openapi::{AUTH_GROUPS, Api, MANAGEMENT_PREFIXES, Selection};

/// One reported item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// `METHOD /path` of the operation (or of the concrete spec path for unknown endpoints).
    pub operation: String,
    /// The spec endpoint concerned, by its id (`auth.otp.update_email`).
    pub endpoint: Option<String>,
    /// The difference key (`missing`, `unknown`, `auth`, `body.x: type`, ...).
    pub what: String,
    /// Details for people.
    pub detail: String,
    /// Index of the allow-list entry that allows it.
    pub allowed_by: Option<usize>,
}

/// The outcome of a `conform` run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per group: name, operations present in the spec, operations selected.
    pub coverage: Vec<(String, usize, usize)>,
    /// Operations left out of the selection, with why.
    pub excluded: Vec<String>,
    /// Document notes on the selected operations.
    pub notes: Vec<String>,
    /// (a) Published operations no endpoint stands for.
    pub missing: Vec<Finding>,
    /// (b) Spec endpoints no operation matches.
    pub unknown: Vec<Finding>,
    /// (c) Differences of matched operations.
    pub differences: Vec<Finding>,
    /// The allow-list used.
    pub allow: AllowList,
    /// Allow-list entries that allow nothing although their operation was checked.
    pub stale: Vec<usize>,
    /// Allow-list entries about operations outside this run's groups (not judged).
    pub unchecked: Vec<usize>,
}

/// Checks the resolved spec `model` against the operations `selection` picks (when it is empty:
/// everything, the groups of [`AUTH_GROUPS`] and the paths under [`MANAGEMENT_PREFIXES`]).
pub fn conform(
    api: &Api,
    model: &Model,
    allow: &AllowList,
    selection: &Selection,
) -> Result<Report, String> {
    // Wildcard entries can only be judged stale by a run over everything the spec covers.
    let full_run = selection.is_empty();
    let selection = if selection.is_empty() {
        Selection {
            groups: AUTH_GROUPS.iter().map(|g| (*g).to_owned()).collect(),
            path_prefixes: MANAGEMENT_PREFIXES
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
            ..Selection::default()
        }
    } else {
        selection.clone()
    };
    let groups = selection.groups.clone();
    let mut report = Report {
        allow: allow.clone(),
        ..Report::default()
    };
    for group in &groups {
        if !api
            .operations
            .iter()
            .any(|op| op.group.as_ref() == Some(group))
        {
            return Err(format!(
                "no operation of the document has `x-publishYaml: {group}`"
            ));
        }
    }
    let (selected, excluded) = api.select(&selection);
    report.excluded = excluded;
    let matches = Matches::compute(api, model);
    let mut used = vec![false; allow.entries.len()];
    let mut judge = |keys: &[String], what: &str| {
        let found = allow.find(keys, what);
        if let Some(i) = found {
            used[i] = true;
        }
        found
    };

    for &i in &selected {
        let op = &api.operations[i];
        let group = op.group.clone().unwrap_or_default();
        let entry = match report.coverage.iter_mut().find(|c| c.0 == group) {
            Some(entry) => entry,
            None => {
                report.coverage.push((group, 0, 0));
                report.coverage.last_mut().expect("just pushed")
            }
        };
        entry.2 += 1;
        let endpoints = &matches.by_op[i];
        if endpoints.is_empty() {
            let keys = [op.key()];
            report.missing.push(Finding {
                operation: op.key(),
                endpoint: None,
                what: "missing".into(),
                detail: format!(
                    "{} ({})",
                    op.group.as_deref().unwrap_or("?"),
                    op.id.as_deref().unwrap_or("no operationId")
                ),
                allowed_by: judge(&keys, "missing"),
            });
        } else {
            entry.1 += 1;
        }
        if let [first, others @ ..] = endpoints.as_slice()
            && !others.is_empty()
        {
            let keys = [op.key()];
            let labels: Vec<String> = others.iter().map(|e| e.label(model)).collect();
            report.differences.push(Finding {
                operation: op.key(),
                endpoint: Some(first.label(model)),
                what: "duplicate".into(),
                detail: format!("also matched by {}", labels.join(", ")),
                allowed_by: judge(&keys, "duplicate"),
            });
        }
    }

    report.coverage.sort_by_key(|(group, ..)| {
        (
            groups.iter().position(|g| g == group).unwrap_or(usize::MAX),
            group.clone(),
        )
    });

    for (ep, concrete) in &matches.unknown {
        let keys = [concrete.clone(), ep.template(model)];
        report.unknown.push(Finding {
            operation: concrete.clone(),
            endpoint: Some(ep.label(model)),
            what: "unknown".into(),
            detail: format!("no operation of the document is {concrete}"),
            allowed_by: judge(&keys, "unknown"),
        });
    }

    // Compare every operation of each endpoint concerned, so `extra` sees all of them.
    let endpoints: Vec<EpRef> = {
        let mut all: Vec<EpRef> = selected
            .iter()
            .flat_map(|&i| matches.by_op[i].iter().copied())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let pairs: Vec<(usize, EpRef)> = endpoints
        .iter()
        .flat_map(|&ep| matches.ops_of(ep).iter().map(move |&op| (op, ep)))
        .collect();
    let comparison = compare_pairs(api, model, &pairs);
    for difference in comparison.differences {
        if !selected.contains(&difference.op) {
            continue;
        }
        let op = &api.operations[difference.op];
        let keys = [op.key(), difference.ep.template(model)];
        report.differences.push(Finding {
            operation: op.key(),
            endpoint: Some(difference.ep.label(model)),
            allowed_by: judge(&keys, &difference.what),
            what: difference.what,
            detail: difference.detail,
        });
    }

    // Entries about what this run checked and that allow nothing are stale; so are entries
    // about an operation nobody knows. Entries about other groups are not judged.
    let mut checked: Vec<String> = Vec::new();
    if full_run {
        checked.push("*".into());
    }
    for &i in &selected {
        checked.push(api.operations[i].key());
        checked.extend(matches.by_op[i].iter().map(|ep| ep.template(model)));
    }
    for (ep, concrete) in &matches.unknown {
        checked.push(concrete.clone());
        checked.push(ep.template(model));
    }
    let known: Vec<String> = api
        .operations
        .iter()
        .map(|op| op.key())
        .chain(
            matches
                .by_endpoint
                .keys()
                .chain(matches.unknown.iter().map(|(ep, _)| ep))
                .map(|ep| ep.template(model)),
        )
        .chain(matches.unknown.iter().map(|(_, c)| c.clone()))
        .collect();
    for (i, entry) in allow.entries.iter().enumerate() {
        if used[i] {
            continue;
        }
        if entry.operation == "*" && !full_run {
            report.unchecked.push(i);
        } else if checked.contains(&entry.operation) || !known.contains(&entry.operation) {
            report.stale.push(i);
        } else {
            report.unchecked.push(i);
        }
    }
    report.notes = api
        .notes_for(&selected)
        .into_iter()
        .map(|n| format!("{}: {}", n.subjects.join(", "), n.message))
        .collect();
    Ok(report)
}

impl Report {
    /// Unexplained (not allowed) findings among `findings`.
    fn open(findings: &[Finding]) -> usize {
        findings.iter().filter(|f| f.allowed_by.is_none()).count()
    }

    /// Operations no endpoint stands for and no entry allows.
    pub fn open_missing(&self) -> usize {
        Report::open(&self.missing)
    }

    /// Unknown endpoints and differences no entry allows, plus stale entries.
    pub fn unexplained(&self) -> usize {
        Report::open(&self.unknown) + Report::open(&self.differences)
    }

    /// Findings the allow-list explains.
    pub fn allowed(&self) -> usize {
        [&self.missing, &self.unknown, &self.differences]
            .iter()
            .flat_map(|f| f.iter())
            .filter(|f| f.allowed_by.is_some())
            .count()
    }

    /// Whether the run passes: nothing unexplained, no stale entry, and (when `full_coverage`)
    /// no missing operation.
    pub fn passes(&self, full_coverage: bool) -> bool {
        self.unexplained() == 0
            && self.stale.is_empty()
            && (!full_coverage || self.open_missing() == 0)
    }

    /// The report as printed.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        for excluded in &self.excluded {
            line(&mut out, format!("excluded: {excluded}"));
        }
        section(&mut out, "document notes on these operations", &self.notes);
        let open = |findings: &[Finding]| -> Vec<String> {
            findings
                .iter()
                .filter(|f| f.allowed_by.is_none())
                .map(|f| {
                    let endpoint = f
                        .endpoint
                        .as_deref()
                        .map_or(String::new(), |e| format!(" [{e}]"));
                    match f.what.as_str() {
                        "missing" => format!("{}  {}", f.operation, f.detail),
                        "unknown" => format!("{}{endpoint}", f.operation),
                        _ => format!("{}{endpoint}  {}: {}", f.operation, f.what, f.detail),
                    }
                })
                .collect()
        };
        section(
            &mut out,
            "missing from spec/ (published operations no endpoint stands for)",
            &open(&self.missing),
        );
        section(
            &mut out,
            "unknown to the document (spec endpoints no operation matches)",
            &open(&self.unknown),
        );
        section(&mut out, "differences", &open(&self.differences));
        let mut by_entry: BTreeMap<usize, usize> = BTreeMap::new();
        for finding in self
            .missing
            .iter()
            .chain(&self.unknown)
            .chain(&self.differences)
        {
            if let Some(i) = finding.allowed_by {
                *by_entry.entry(i).or_default() += 1;
            }
        }
        let allowed: Vec<String> = by_entry
            .iter()
            .map(|(&i, &count)| {
                let e = &self.allow.entries[i];
                format!("{count}x {}  {}\n      {}", e.operation, e.what, e.reason)
            })
            .collect();
        section(
            &mut out,
            &format!("allowed by {}", self.allow.display),
            &allowed,
        );
        let entries = |indices: &[usize]| -> Vec<String> {
            indices
                .iter()
                .map(|&i| {
                    let e = &self.allow.entries[i];
                    format!("{}  {}", e.operation, e.what)
                })
                .collect()
        };
        section(
            &mut out,
            "stale allow-list entries (they allow nothing; remove them)",
            &entries(&self.stale),
        );
        section(
            &mut out,
            "allow-list entries outside these groups (not checked)",
            &entries(&self.unchecked),
        );
        line(&mut out, "coverage:".into());
        let (mut present, mut total) = (0, 0);
        for (group, p, t) in &self.coverage {
            line(&mut out, format!("  {group} {p}/{t}"));
            present += p;
            total += t;
        }
        let mut summary = format!(
            "  total {present}/{total} present, {} unexplained differences, {} allowed",
            self.unexplained(),
            self.allowed()
        );
        if !self.stale.is_empty() {
            let _ = write!(summary, ", {} stale allow-list entries", self.stale.len());
        }
        line(&mut out, summary);
        out
    }
}

fn section(out: &mut String, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:");
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}
