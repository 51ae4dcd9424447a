//! Names and documentation for a reply's types, from a QAPI release of the
//! history (see the module's documentation): votes by position, then one
//! name per wire type.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::convert::{CommandDraft, Draft};
use crate::model::{Data, Section, Spec};
use crate::spelled::{Field, JsonType, spell};

/// For each wire type name, the QAPI names found at its places, counted.
type Votes = HashMap<String, BTreeMap<String, usize>>;

/// A reference's event: its section and its data's members spelled out.
struct Theirs<'r> {
    section: &'r Section,
    fields: Option<Vec<Field>>,
}

impl<'r> Theirs<'r> {
    fn new(spec: &'r Spec, section: &'r Section) -> Theirs<'r> {
        Theirs {
            section,
            fields: section
                .data
                .ty()
                .map(|data| spell(&spec.types, "", data).fields),
        }
    }
}

/// Names every wire type of `drafts` (whose `type_name`s are the reply's,
/// those for which `is_wire` holds) and borrows documentation from
/// `references` (nearest first), each event from the first that has it;
/// with references, an event none has says it is known only from the
/// build.
pub(super) fn recover(
    drafts: &mut [Draft],
    commands: &mut [CommandDraft],
    references: &[(&str, &Spec)],
    is_wire: &dyn Fn(&str) -> bool,
) {
    let mut votes = Votes::new();
    let mut by_name: HashMap<&str, (&Spec, &Section)> = HashMap::new();
    // The nearest last, so that it wins.
    for (_, reference) in references.iter().rev() {
        by_name.extend(reference.events().map(|(n, s)| (n, (*reference, s))));
    }
    for draft in drafts.iter_mut() {
        let section = &draft.section;
        match section.names.first().and_then(|n| by_name.get(n.as_str())) {
            Some(&(spec, theirs)) => borrow_section(draft, &Theirs::new(spec, theirs), &mut votes),
            None if !references.is_empty() => draft.section.notes.push(crate::model::Note {
                text: "Known only from this build's introspection: no QAPI release of the \
                       history documents the event."
                    .into(),
                span: Default::default(),
            }),
            None => {}
        }
    }
    // Each command from the first reference that has it, as each event.
    let mut by_command: HashMap<&str, (&Spec, &crate::model::Command)> = HashMap::new();
    for (_, reference) in references.iter().rev() {
        by_command.extend(
            reference
                .commands
                .iter()
                .map(|c| (c.name.as_str(), (*reference, c))),
        );
    }
    for command in commands.iter_mut() {
        let Some(&(spec, theirs)) = by_command.get(command.name.as_str()) else {
            continue;
        };
        command.description.clone_from(&theirs.description);
        command.since.clone_from(&theirs.since);
        command.extra_arguments = theirs.extra_arguments;
        for (ours, their_type, what) in [
            (&mut command.arguments, theirs.arguments, "arguments"),
            (&mut command.returns, theirs.returns, "return"),
        ] {
            if let (Some(ours), Some(ty)) = (ours, their_type) {
                node(ours, &spell(&spec.types, what, ty), &mut votes);
            }
        }
    }
    name(drafts, commands, &votes, is_wire);
}

/// Carries into `build` what `release` (the QAPI release before it) has
/// behind a condition and the build lacks: events, members, enumeration
/// values, union and alternate branches, each with its condition. What the
/// release has unconditionally is not carried: the build dropped it.
pub(super) fn carry_conditional(build: &mut Vec<Draft>, release: &Spec) {
    let present: HashSet<String> = build
        .iter()
        .flat_map(|d| d.section.names.iter().cloned())
        .collect();
    for section in &release.sections {
        if section.condition.is_some() && section.names.iter().all(|n| !present.contains(n)) {
            let theirs = Theirs::new(release, section);
            build.push(Draft {
                section: section.clone(),
                fields: theirs.fields,
            });
        }
    }
    let theirs: HashMap<&str, &Section> = release.events().collect();
    for draft in build.iter_mut() {
        let Some(release_section) = draft
            .section
            .names
            .first()
            .and_then(|n| theirs.get(n.as_str()))
        else {
            continue;
        };
        if let (Some(ours), Some(theirs)) = (
            &mut draft.fields,
            Theirs::new(release, release_section).fields,
        ) {
            carry_fields(ours, &theirs);
        }
    }
}

fn carry_fields(ours: &mut Vec<Field>, theirs: &[Field]) {
    for field in theirs {
        match ours.iter_mut().find(|f| f.name == field.name) {
            Some(our) => carry_field(our, field),
            None if field.condition.is_some() => ours.push(field.clone()),
            None => {}
        }
    }
}

fn carry_field(ours: &mut Field, theirs: &Field) {
    if kind(&ours.ty) != kind(&theirs.ty) {
        return;
    }
    for value in &theirs.values {
        if value.condition.is_some() && !ours.values.iter().any(|v| v.value == value.value) {
            ours.values.push(value.clone());
        }
    }
    carry_fields(&mut ours.fields, &theirs.fields);
    carry_fields(&mut ours.variants, &theirs.variants);
    if let (Some(ours), Some(theirs)) = (&mut ours.items, &theirs.items) {
        carry_field(ours, theirs);
    }
}

fn vote(votes: &mut Votes, wire: &str, qapi: &str) {
    *votes
        .entry(wire.to_string())
        .or_default()
        .entry(qapi.to_string())
        .or_default() += 1;
}

fn borrow_section(ours: &mut Draft, theirs: &Theirs<'_>, votes: &mut Votes) {
    let section = &mut ours.section;
    section.description = theirs.section.description.clone();
    section.since = theirs.section.since.clone();
    section.notes = theirs.section.notes.clone();
    match (
        &mut ours.fields,
        &theirs.fields,
        &mut section.data,
        &theirs.section.data,
    ) {
        (Some(a), Some(b), _, _) => fields(a, b, votes),
        (
            None,
            None,
            Data::External {
                type_name: a,
                description,
            },
            Data::External {
                type_name: b,
                description: theirs,
            },
        ) => {
            vote(votes, a, b);
            description.clone_from(theirs);
        }
        // QAPI's `'data': {}` is no data on the wire.
        (ours_fields @ None, Some(fields), Data::None, _) if fields.is_empty() => {
            *ours_fields = Some(Vec::new());
        }
        _ => {}
    }
    let same = match (&ours.fields, &theirs.fields) {
        (Some(a), Some(b)) => same_members(a, b),
        (None, None) => match (&ours.section.data, &theirs.section.data) {
            (Data::None, Data::None) => true,
            (Data::External { type_name: a, .. }, Data::External { type_name: b, .. }) => a == b,
            _ => false,
        },
        _ => false,
    };
    if same {
        ours.section.examples = theirs.section.examples.clone();
    }
}

/// Members matched by name.
fn fields(ours: &mut [Field], theirs: &[Field], votes: &mut Votes) {
    let by_name: HashMap<&str, &Field> = theirs.iter().map(|f| (f.name.as_str(), f)).collect();
    for field in ours {
        if let Some(theirs) = by_name.get(field.name.as_str()) {
            node(field, theirs, votes);
        }
    }
}

/// One place in both models.
fn node(ours: &mut Field, theirs: &Field, votes: &mut Votes) {
    if kind(&ours.ty) != kind(&theirs.ty) {
        return;
    }
    if ours.ty == JsonType::Int {
        ours.ty = theirs.ty.clone();
    }
    if ours.optional == theirs.optional {
        ours.description.clone_from(&theirs.description);
    }
    if let (Some(wire), Some(qapi)) = (&ours.type_name, &theirs.type_name) {
        vote(votes, wire, qapi);
    }
    if !ours.values.is_empty() {
        let meanings: HashMap<&str, &Option<String>> = theirs
            .values
            .iter()
            .map(|v| (v.value.as_str(), &v.meaning))
            .collect();
        for value in &mut ours.values {
            if let Some(meaning) = meanings.get(value.value.as_str()) {
                value.meaning.clone_from(meaning);
            }
        }
    }
    fields(&mut ours.fields, &theirs.fields, votes);
    match ours.ty {
        JsonType::Alternate => {
            // Unnamed on the wire: each branch takes the name of the branch
            // of its kind.
            let mut taken = vec![false; theirs.variants.len()];
            for branch in &mut ours.variants {
                if let Some(at) = (0..theirs.variants.len())
                    .find(|&i| !taken[i] && kind(&theirs.variants[i].ty) == kind(&branch.ty))
                {
                    taken[at] = true;
                    branch.name.clone_from(&theirs.variants[at].name);
                }
            }
            fields(&mut ours.variants, &theirs.variants, votes);
        }
        JsonType::Union => {
            fields(&mut ours.variants, &theirs.variants, votes);
            // An empty branch the release writes out is no branch on the
            // wire: back from the release, where the tag has the value.
            let tag_values: HashSet<&str> = ours
                .fields
                .iter()
                .filter(|f| Some(&f.name) == ours.discriminator.as_ref())
                .flat_map(|f| f.values.iter().map(|v| v.value.as_str()))
                .collect();
            let missing: Vec<Field> = theirs
                .variants
                .iter()
                .filter(|v| v.fields.is_empty() && v.variants.is_empty())
                .filter(|v| tag_values.contains(v.name.as_str()))
                .filter(|v| !ours.variants.iter().any(|o| o.name == v.name))
                .cloned()
                .collect();
            ours.variants.extend(missing);
        }
        _ => {}
    }
    if let (Some(ours), Some(theirs)) = (&mut ours.items, &theirs.items) {
        node(ours, theirs, votes);
    }
}

/// A type's kind on the wire: the integer types are one.
fn kind(ty: &JsonType) -> &'static str {
    match ty {
        ty if ty.is_integer() => "int",
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Bool => "bool",
        JsonType::Object => "object",
        JsonType::Array => "array",
        JsonType::Value => "value",
        JsonType::External(_) => "named",
        JsonType::Null => "null",
        JsonType::Union => "union",
        JsonType::Alternate => "alternate",
        _ => "int",
    }
}

/// Whether two member lists are the same on the wire: names, optionality,
/// kinds and values, all the way down.
fn same_members(a: &[Field], b: &[Field]) -> bool {
    a.len() == b.len()
        && a.iter().all(|field| {
            b.iter()
                .find(|other| other.name == field.name)
                .is_some_and(|other| same_wire(field, other))
        })
}

fn same_wire(a: &Field, b: &Field) -> bool {
    fn values(f: &Field) -> HashSet<&str> {
        f.values.iter().map(|v| v.value.as_str()).collect()
    }
    a.optional == b.optional
        && kind(&a.ty) == kind(&b.ty)
        && values(a) == values(b)
        && same_members(&a.fields, &b.fields)
        && same_members(&a.variants, &b.variants)
        && a.discriminator == b.discriminator
        && match (&a.items, &b.items) {
            (Some(a), Some(b)) => same_wire(a, b),
            (None, None) => true,
            _ => false,
        }
}

/// A wire name as QEMU masks it: a number.
fn is_masked(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

/// The words of a path in PascalCase: `NETDEV_STREAM_CONNECTED`, `addr` →
/// `NetdevStreamConnectedAddr`.
fn pascal(segments: &[&str]) -> String {
    let mut out = String::new();
    for word in segments
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
    {
        let shout = !word.bytes().any(|b| b.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            for c in chars {
                out.push(if shout { c.to_ascii_lowercase() } else { c });
            }
        }
    }
    out
}

/// Every wire type name in document order, with the path name of its
/// first place.
fn first_places(
    drafts: &[Draft],
    commands: &[CommandDraft],
    is_wire: &dyn Fn(&str) -> bool,
) -> Vec<(String, String)> {
    fn walk<'s>(
        field: &'s Field,
        path: &mut Vec<&'s str>,
        seen: &mut HashSet<&'s str>,
        out: &mut Vec<(String, String)>,
        is_wire: &dyn Fn(&str) -> bool,
    ) {
        let pushed = !field.name.is_empty();
        if pushed {
            path.push(&field.name);
        }
        if let Some(name) = field.type_name.as_deref() {
            if is_wire(name) && seen.insert(name) {
                out.push((name.to_string(), pascal(path)));
            }
        }
        for inner in field
            .fields
            .iter()
            .chain(&field.variants)
            .chain(field.items.as_deref())
        {
            walk(inner, path, seen, out, is_wire);
        }
        if pushed {
            path.pop();
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for draft in drafts {
        let event = draft.section.names.first().map_or("", String::as_str);
        match (&draft.fields, &draft.section.data) {
            (Some(fields), _) => {
                let mut path = vec![event];
                for field in fields {
                    walk(field, &mut path, &mut seen, &mut out, is_wire);
                }
            }
            (None, Data::External { type_name, .. })
                if is_wire(type_name) && seen.insert(type_name) =>
            {
                out.push((type_name.clone(), pascal(&[event, "union"])));
            }
            _ => {}
        }
    }
    // Then the commands': a type only they reach is named by its first
    // path from one (`BlockdevAddArguments`).
    for command in commands {
        let mut path = vec![command.name.as_str()];
        for field in command.arguments.iter().chain(&command.returns) {
            walk(field, &mut path, &mut seen, &mut out, is_wire);
        }
    }
    out
}

/// One name per wire type: the QAPI name most places give it (ties to the
/// smaller name), each QAPI name to one wire type, the wire type that has
/// it at the most places first; the rest by their first path, made unique
/// with a number; a name QEMU did not mask stays.
fn name(
    drafts: &mut [Draft],
    commands: &mut [CommandDraft],
    votes: &Votes,
    is_wire: &dyn Fn(&str) -> bool,
) {
    let places = first_places(drafts, commands, is_wire);
    let order: HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, (wire, _))| (wire.as_str(), i))
        .collect();
    let mut candidates: Vec<(usize, &str, usize, &str)> = votes
        .iter()
        .flat_map(|(wire, names)| {
            let at = order.get(wire.as_str()).copied().unwrap_or(usize::MAX);
            names
                .iter()
                .map(move |(qapi, count)| (*count, qapi.as_str(), at, wire.as_str()))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    let mut names: HashMap<String, String> = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    for (_, qapi, _, wire) in candidates {
        if !names.contains_key(wire) && !used.contains(qapi) {
            used.insert(qapi.to_string());
            names.insert(wire.to_string(), qapi.to_string());
        }
    }
    for (wire, path_name) in &places {
        if names.contains_key(wire) {
            continue;
        }
        let base = if is_masked(wire) {
            path_name.clone()
        } else {
            wire.clone()
        };
        let mut chosen = base.clone();
        let mut n = 2;
        while used.contains(&chosen) {
            chosen = format!("{base}{n}");
            n += 1;
        }
        used.insert(chosen.clone());
        names.insert(wire.clone(), chosen);
    }
    fn name_of(wire: &mut String, names: &HashMap<String, String>) {
        if let Some(to) = names.get(wire.as_str()) {
            wire.clone_from(to);
        }
    }
    fn rename(field: &mut Field, names: &HashMap<String, String>) {
        if let Some(wire) = &mut field.type_name {
            name_of(wire, names);
        }
        if let JsonType::External(wire) = &mut field.ty {
            name_of(wire, names);
        }
        for inner in field
            .fields
            .iter_mut()
            .chain(field.variants.iter_mut())
            .chain(field.items.as_deref_mut())
        {
            rename(inner, names);
        }
    }
    for draft in drafts {
        match (&mut draft.fields, &mut draft.section.data) {
            (Some(fields), _) => fields.iter_mut().for_each(|f| rename(f, &names)),
            (None, Data::External { type_name, .. }) => name_of(type_name, &names),
            _ => {}
        }
    }
    for command in commands {
        for field in command.arguments.iter_mut().chain(&mut command.returns) {
            rename(field, &names);
        }
    }
}
