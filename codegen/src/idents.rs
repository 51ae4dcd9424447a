//! Rust names for the spec's names, the way typify makes them: split into
//! words, cased, and made valid identifiers (a keyword gets a trailing `_`
//! (`Self`, the one keyword in Pascal case, becomes `SelfValue`),
//! a name that does not start with a letter a leading `_`, an empty name
//! becomes `x`/`X`). A [`Scope`] then keeps names unique: two spec names
//! that case to the same Rust name, or a name the crate reserves, get a
//! numbered suffix, in the order they are claimed, so the result is
//! deterministic.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `UpperCamelCase`: types and variants.
    Pascal,
    /// `snake_case`: members.
    Snake,
}

/// The words of a spec name: runs of ASCII letters and digits, split at
/// anything else and where a lower-case letter meets an upper-case one
/// (`tray-open`, `BLOCK_IO_ERROR`, `__com.redhat_reason`, `nodeName`).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `name` in `case`, made a valid Rust identifier.
pub fn sanitize(name: &str, case: Case) -> String {
    let words = words(name);
    let mut out = match case {
        Case::Snake => words.join("_"),
        Case::Pascal => words
            .iter()
            .map(|word| {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect(),
    };
    if out.is_empty() {
        out = match case {
            Case::Snake => "x".to_string(),
            Case::Pascal => "X".to_string(),
        };
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if !is_identifier(&out) {
        // `Self` is the one keyword in Pascal case; `Self_` would not be
        // camel case to rustc's lint.
        match case {
            Case::Snake => out.push('_'),
            Case::Pascal => out.push_str("Value"),
        }
    }
    out
}

/// Whether `word` is an identifier (not a keyword) in Rust 2024.
fn is_identifier(word: &str) -> bool {
    // syn knows the strict and reserved keywords; `gen` is reserved since
    // the 2024 edition, and `_` alone is a pattern.
    word != "gen" && word != "_" && syn::parse_str::<syn::Ident>(word).is_ok()
}

/// Names in one namespace: a struct's members, an enum's variants, or the
/// crate's types.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are taken already.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// `name` sanitized, with a number added when the scope has it already.
    pub fn claim(&mut self, name: &str, case: Case) -> String {
        let base = sanitize(name, case);
        self.claim_exact(base, case)
    }

    /// `candidate` as it is (already a valid identifier), with a number
    /// added when the scope has it already.
    pub fn claim_exact(&mut self, candidate: String, case: Case) -> String {
        let mut name = candidate.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = match case {
                Case::Pascal => format!("{candidate}{n}"),
                Case::Snake => format!("{}_{n}", candidate.trim_end_matches('_')),
            };
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Whether the scope has `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// The names the generated crate defines itself, and the prelude's types,
/// which no type generated from the spec may take.
pub const RESERVED_TYPES: &[&str] = &[
    "Event",
    "EventKind",
    "Message",
    "Timestamp",
    "TimestampOutOfRange",
    "UnknownValue",
    "UnknownEventName",
    "RawData",
    "Revision",
    "UnknownRevision",
    "QemuVersion",
    "Greeting",
    "Return",
    "ErrorResponse",
    "ServerMessage",
    "Reader",
    "ReadError",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(sanitize("BLOCK_IO_ERROR", Case::Pascal), "BlockIoError");
        assert_eq!(sanitize("tray-open", Case::Snake), "tray_open");
        assert_eq!(sanitize("tray-open", Case::Pascal), "TrayOpen");
        assert_eq!(
            sanitize("__com.redhat_reason", Case::Snake),
            "com_redhat_reason"
        );
        assert_eq!(sanitize("nodeName", Case::Snake), "node_name");
        assert_eq!(sanitize("x509_dname", Case::Snake), "x509_dname");
        assert_eq!(sanitize("ACPI_DEVICE_OST", Case::Pascal), "AcpiDeviceOst");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(sanitize("type", Case::Snake), "type_");
        assert_eq!(sanitize("self", Case::Snake), "self_");
        assert_eq!(sanitize("Self", Case::Pascal), "SelfValue");
        assert_eq!(sanitize("crate", Case::Snake), "crate_");
        assert_eq!(sanitize("gen", Case::Snake), "gen_");
        assert_eq!(sanitize("async", Case::Snake), "async_");
        assert_eq!(sanitize("Type", Case::Snake), "type_");
        assert_eq!(sanitize("match", Case::Pascal), "Match");
    }

    #[test]
    fn leading_digits_and_empty_names() {
        assert_eq!(sanitize("1st", Case::Snake), "_1st");
        assert_eq!(sanitize("2", Case::Pascal), "_2");
        assert_eq!(sanitize("", Case::Snake), "x");
        assert_eq!(sanitize("---", Case::Pascal), "X");
        assert_eq!(sanitize("é", Case::Snake), "x");
        for name in ["1st", "2", "", "type", "self", "Self", "a b", "😀"] {
            for case in [Case::Snake, Case::Pascal] {
                let out = sanitize(name, case);
                assert!(is_identifier(&out), "{name:?} → {out:?}");
            }
        }
    }

    #[test]
    fn a_scope_numbers_names_equal_after_case_conversion() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("tray-open", Case::Snake), "tray_open");
        assert_eq!(scope.claim("tray_open", Case::Snake), "tray_open_2");
        assert_eq!(scope.claim("TRAY_OPEN", Case::Snake), "tray_open_3");
        assert_eq!(scope.claim("type", Case::Snake), "type_");
        assert_eq!(scope.claim("TYPE", Case::Snake), "type_2");
        let mut types = Scope::with_reserved(RESERVED_TYPES);
        assert_eq!(types.claim("MESSAGE", Case::Pascal), "Message2");
        assert_eq!(types.claim("event", Case::Pascal), "Event2");
        assert_eq!(types.claim("string", Case::Pascal), "String2");
        assert_eq!(types.claim("event", Case::Pascal), "Event3");
        assert!(types.contains("Event3"));
    }

    #[test]
    fn the_same_names_in_the_same_order_give_the_same_result() {
        let names = ["a-b", "a_b", "A_B", "1", "_1"];
        let run = || {
            let mut scope = Scope::default();
            names
                .iter()
                .map(|n| scope.claim(n, Case::Pascal))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
        assert_eq!(run(), ["AB", "AB2", "AB3", "_1", "_12"]);
    }
}
