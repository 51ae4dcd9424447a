//! The adversarial families of `fuzz/regressions/` (from the fuzz findings),
//! generated at any size `n`: the test `tests/hostile.rs` checks that each
//! member ends in an error or a report, and `benches/hostile.rs` measures how
//! the time grows with `n`.

/// A family: its name, and its member of size `n`.
pub struct Family {
    pub name: &'static str,
    pub input: fn(usize) -> Input,
}

/// A spec text (for the text reader), a QAPI schema file, or a base and a
/// patch.
pub enum Input {
    Text(String),
    Qapi(String),
    Diff { base: String, patch: String },
}

pub const FAMILIES: &[Family] = &[
    // A hunk header's start line near the largest allowed number: a hint,
    // never a loop bound (once 10^8 iterations of a loop).
    Family {
        name: "cgit_hint",
        input: |n| Input::Diff {
            base: "a\n".repeat(n),
            patch: format!("diff --git @@ -4000000000,1 +1,1 @@ {}", " x".repeat(n)),
        },
    },
    // Blank base lines and a collapsed hunk whose counts can be met in many
    // ways, none of which fits: every interleaving of the blank lines with
    // the added ones is a state of the split search, at every base position.
    Family {
        name: "cgit_split",
        input: |n| Input::Diff {
            base: format!("{}b\n", "\n".repeat(n)),
            patch: format!(
                "diff --git @@ -1,{} +1,{} @@{} c",
                n + 1,
                2 * n + 1,
                " +a".repeat(n)
            ),
        },
    },
    // A collapsed hunk with as many context lines as the base (once a stack
    // overflow: the search recursed once per line).
    Family {
        name: "cgit_deep",
        input: |n| Input::Diff {
            base: (0..n).map(|i| format!("a{i}\n")).collect(),
            patch: format!(
                "diff --git @@ -1,{n} +1,{} @@{} +x",
                n + 1,
                (0..n).map(|i| format!(" a{i}")).collect::<String>()
            ),
        },
    },
    // A base of identical lines and a lossy patch removing them all before
    // a context line the base lacks: every position of the first line is a
    // candidate anchor, each walked over the whole patch.
    Family {
        name: "lossy_anchor",
        input: |n| Input::Diff {
            base: "x\n".repeat(n),
            patch: format!("{}+y\nq\n", "-x\n".repeat(n)),
        },
    },
    // The same for git: a hunk of identical lines whose last line differs,
    // every position of the first line a candidate.
    Family {
        name: "git_offsets",
        input: |n| Input::Diff {
            base: "x\n".repeat(n),
            patch: format!(
                "--- a\n+++ b\n@@ -1,{} +1,{} @@\n{} q\n-x\n+y\n",
                n / 2 + 2,
                n / 2 + 2,
                " x\n".repeat(n / 2)
            ),
        },
    },
    // One field line followed by `n` opening parentheses (once re-parsed
    // from every one of them).
    Family {
        name: "text_paren",
        input: |n| {
            Input::Text(format!(
                "T\n===\n\nEV\n---\n\nData:\n\n- \"a\": {}\n",
                "(".repeat(n)
            ))
        },
    },
    // The same with `(a` groups, which the annotation rule reads further.
    Family {
        name: "text_paren_words",
        input: |n| {
            Input::Text(format!(
                "T\n===\n\nEV\n---\n\nData:\n\n- \"a\": {}(json-int)\n",
                "(a \"b\" ".repeat(n)
            ))
        },
    },
    // A QAPI struct of n members on one line: every member's position was
    // found by counting the line's characters from its start (n × line).
    Family {
        name: "qapi_long_line",
        input: |n| {
            let members: Vec<String> = (0..n).map(|i| format!("'m{i}': 'int'")).collect();
            Input::Qapi(format!(
                "{{ 'struct': 'S', 'data': {{ {} }} }}\n",
                members.join(", ")
            ))
        },
    },
    // A QAPI documentation block of n lines, never closed: read as
    // comments after the block fails, each line once more at most.
    Family {
        name: "qapi_open_doc",
        input: |n| {
            Input::Qapi(format!(
                "##\n{}{{ 'event': 'E' }}\n",
                "# @x: text\n".repeat(n)
            ))
        },
    },
    // A chain of n QAPI types, each using the next twice, under an event:
    // spelled out in place it doubles at every step (2^n fields); the
    // conversion's budget makes it an error after work linear in n.
    Family {
        name: "qapi_doubling_types",
        input: |n| {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!(
                    "{{ 'struct': 'T{i}', 'data': {{ 'a': 'T{}', 'b': 'T{}' }} }}\n",
                    i + 1,
                    i + 1
                ));
            }
            text.push_str(&format!(
                "{{ 'struct': 'T{n}', 'data': {{ 'x': 'int' }} }}\n\
                 {{ 'event': 'E', 'data': {{ 't': 'T0' }} }}\n"
            ));
            Input::Qapi(text)
        },
    },
    // An event whose data has n members of n distinct types: converted in
    // place, linear.
    Family {
        name: "qapi_wide_types",
        input: |n| {
            let mut text = String::new();
            let mut members = Vec::new();
            for i in 0..n {
                text.push_str(&format!(
                    "{{ 'struct': 'S{i}', 'data': {{ 'a': 'int', 'b': 'str', 'c': 'K{i}' }} }}\n\
                     {{ 'enum': 'K{i}', 'data': [ 'x', 'y' ] }}\n"
                ));
                members.push(format!("'m{i}': 'S{i}'"));
            }
            text.push_str(&format!(
                "{{ 'event': 'E', 'data': {{ {} }} }}\n",
                members.join(", ")
            ));
            Input::Qapi(text)
        },
    },
];

impl Input {
    pub fn len(&self) -> usize {
        match self {
            Input::Text(text) | Input::Qapi(text) => text.len(),
            Input::Diff { base, patch } => base.len() + patch.len(),
        }
    }

    /// Reads (and applies, both ways) the input; what came of it, in words.
    pub fn run(&self) -> String {
        use qmp_spec::diff::{self, Direction};
        match self {
            Input::Text(text) => match qmp_spec::parse("hostile.txt", text) {
                Ok(spec) => format!("parsed: {} sections", spec.sections.len()),
                Err(err) => format!("error at {}:{}", err.line, err.column),
            },
            Input::Qapi(text) => match qmp_spec::qapi::read_text("hostile.json", text.as_bytes()) {
                // Read, then converted into the model of both eras.
                Ok(schema) => match schema.to_spec("hostile") {
                    Ok(spec) => format!(
                        "read: {} definitions, {} events",
                        schema.definitions.len(),
                        spec.sections.len()
                    ),
                    Err(err) => format!("conversion error at {}:{}", err.line, err.column),
                },
                Err(err) => format!("error at {}:{}", err.line, err.column),
            },
            Input::Diff { base, patch } => match diff::parse("hostile.patch", patch) {
                Err(err) => format!("error at {}:{}", err.line, err.column),
                Ok(patch) => [Direction::Forward, Direction::Reverse]
                    .map(|direction| {
                        let applied = diff::apply(base, &patch, direction);
                        assert!(applied.work.spent <= applied.work.budget);
                        let not = applied.not_applied().count();
                        format!(
                            "{direction:?}: {} changes, {not} not applied",
                            applied.report.len()
                        )
                    })
                    .join("; "),
            },
        }
    }
}
