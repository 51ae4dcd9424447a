//! The semantic changes between two revisions, each classified by its effect
//! on a client: one that consumes the events (with the generated types or
//! schemas), or sends commands and reads their returns. The rule for what
//! a client reads (an event's data, a command's return), stated once (the
//! README repeats it):
//!
//! - **breaking** (on the wire): a client that reads what changed can
//!   fail: a member removed or made optional, a member's type changed, data
//!   gone, an event renamed;
//! - **potentially breaking**: a client may fail depending on how it is
//!   written: an enumerated value added (exhaustive matches) or removed, a
//!   union's branch removed, a member's values newly enumerated or no longer
//!   enumerated, a condition or a feature added (`deprecated`), an event
//!   removed from the document (QEMU moved its documentation into the QAPI
//!   schema; QEMU still sends it);
//! - **compatible**: a client keeps working: an event, a member (optional or
//!   required: a consumer receives more), a union's branch (its
//!   discriminator's new value counts on its own) or data added, a member
//!   made required;
//! - **documentation only**: descriptions, notes, examples. A side's title
//!   names the side and is not compared.
//!
//! What a client sends (a command's arguments) is classified the other way
//! round (QEMU's `docs/devel/qapi-code-gen.rst`, "Compatibility
//! considerations"): an argument added as required, removed or made
//! required, its type changed or narrowed (values newly enumerated), a
//! value or branch removed are **breaking**; an optional argument added,
//! an argument made optional, a value or branch added are **compatible**.
//! A command removed is breaking (QEMU refuses it), one added compatible.
//! A type shared by arguments and returns, or by a command and an event, is
//! compared once and each change reported at every place that reaches it,
//! classified there.
//!
//! Across both: a part that becomes conditional, or whose condition
//! narrows (fewer builds have it), is potentially breaking; a condition
//! removed or widened is compatible. `deprecated` added is a **notice**.
//! A change to an `unstable` part (the feature, or a name starting `x-`,
//! on the event, command or a member on the way) is reported as **no
//! compatibility promise**.
//!
//! Which step of semantic versioning each change asks of the generated
//! crate is the generator's policy, not the wire's: see codegen's
//! `version` module. A change records what that policy needs to know (a
//! member removed that was optional already: [`Change::was_optional`]).
//!
//! A side read from a binary's introspection (a [`Spec`] with a build)
//! describes one build: it has no documentation of its own, so
//! documentation is not compared when either side is one; and it has its
//! `if` conditions decided, so what the other side has behind a condition
//! and the build lacks is **absent from this build** (compatible, with the
//! condition), never removed, and conditions are not compared.

use serde::Serialize;

use crate::canonical;
use crate::model::{Command, Condition, Data, Feature, Section, Spec};
use crate::types::{Branch, Member, Scalar, TypeId, TypeKind, Types};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Breaking,
    PotentiallyBreaking,
    /// Something is going (`deprecated` added): nothing breaks yet.
    Notice,
    Compatible,
    /// A change to an `unstable` part, which QEMU makes no promise about.
    Unstable,
    Documentation,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 6] = [
        Class::Breaking,
        Class::PotentiallyBreaking,
        Class::Notice,
        Class::Compatible,
        Class::Unstable,
        Class::Documentation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::PotentiallyBreaking => "potentially breaking",
            Class::Notice => "notice",
            Class::Compatible => "compatible",
            Class::Unstable => "no compatibility promise",
            Class::Documentation => "documentation only",
        }
    }
}

/// What a change is in: an event, or a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    #[default]
    Event,
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChangeKind {
    CommandAdded,
    /// Gone: QEMU refuses it.
    CommandRemoved,
    EventAdded,
    /// Gone from the document; QEMU may still send it.
    EventRemoved,
    /// A removal and an addition with the same body.
    EventRenamed {
        from: String,
    },
    DataAdded,
    DataRemoved,
    MemberAdded {
        optional: bool,
    },
    MemberRemoved,
    /// A union's or alternate's branch: a new shape a client may meet.
    BranchAdded,
    /// A branch gone: a QEMU of the new side no longer sends that shape.
    BranchRemoved,
    MadeOptional,
    MadeRequired,
    TypeChanged,
    ValueAdded {
        value: String,
    },
    ValueRemoved {
        value: String,
    },
    ValuesEnumerated,
    ValuesNoLongerEnumerated,
    DescriptionChanged,
    NotesChanged,
    ExamplesChanged,
    /// QAPI era: the `if` deciding which builds have it changed; `widened`
    /// when every build that had it still does (the condition removed, or
    /// implied by the old one).
    ConditionChanged {
        widened: bool,
    },
    /// QAPI era: a feature added (`deprecated`: it is going).
    FeatureAdded {
        feature: String,
    },
    FeatureRemoved {
        feature: String,
    },
    /// What one side has behind an `if` and the build read from
    /// introspection on the other side lacks: the value, feature or branch
    /// when it is one, else the event or member.
    AbsentFromBuild {
        condition: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        feature: Option<String>,
    },
}

/// Where the definition that changed is, relative to its tree's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

/// One change. `event` names the event or command (`on` says which);
/// `member` is the member's path in an event's data (`server.host`) or in
/// a command (`arguments.node-name`, `returns.status`), empty for the
/// event or command itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub event: String,
    pub on: Target,
    pub member: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub class: Class,
    /// For a member or branch removed: whether it was optional already.
    #[serde(skip)]
    pub was_optional: bool,
    /// The named type the change passes through on its way to the event
    /// (`InetSocketAddress` for `addr.inet.keep-alive-count`): the type
    /// whose definition changed. Set by [`locate`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The definition that changed: on the new side for what was added or
    /// changed, on the old side for what was removed. Set by [`locate`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What the old revision says, where that helps a reviewer.
    pub old: Option<String>,
    /// What the new revision says.
    pub new: Option<String>,
}

/// Where one side's definitions are, for [`locate`].
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// A QAPI schema as read, its files named relative to `root` (empty:
    /// named from the root already, as a git tree's are).
    Qapi {
        schema: &'a crate::qapi::Schema,
        root: &'a std::path::Path,
    },
    /// A text revision read from `file`: its events' and members' lines.
    Text { spec: &'a Spec, file: &'a str },
    /// A side without files: a revision of the history, a build.
    Unknown,
}

impl Source<'_> {
    fn find(
        &self,
        event: &str,
        path: &str,
        value: Option<&str>,
    ) -> Option<(Option<String>, Location)> {
        match *self {
            Source::Qapi { schema, root } => {
                let found = schema.locate(event, path, value)?;
                let file = std::path::Path::new(&*found.location.file);
                let file = file.strip_prefix(root).unwrap_or(file);
                Some((
                    found.via.map(str::to_string),
                    Location {
                        file: file.to_string_lossy().into_owned(),
                        line: found.location.line,
                    },
                ))
            }
            Source::Text { spec, file } => {
                let (_, section) = spec.events().find(|(name, _)| *name == event)?;
                let mut line = section.span.line;
                let mut fields = section
                    .data
                    .ty()
                    .map_or(&[][..], |data| spec.types.members(data));
                for segment in path.split('.').filter(|s| !s.is_empty()) {
                    let Some(field) = fields.iter().find(|f| f.name == segment) else {
                        break;
                    };
                    if field.span.line > 0 {
                        line = field.span.line;
                    }
                    fields = spec.types.members(field.ty);
                }
                Some((
                    None,
                    Location {
                        file: file.to_string(),
                        line,
                    },
                ))
            }
            Source::Unknown => None,
        }
    }
}

/// Sets each change's `via` and `location` from the sides' sources: the new
/// side's for what was added or changed, the old side's for what was
/// removed, and for what a build lacks, the side that has it.
pub fn locate(changes: &mut [Change], old: Source<'_>, new: Source<'_>) {
    for change in changes {
        let value = match &change.kind {
            ChangeKind::ValueAdded { value } | ChangeKind::ValueRemoved { value } => {
                Some(value.as_str())
            }
            ChangeKind::AbsentFromBuild { value, .. } => value.as_deref(),
            _ => None,
        };
        let sides = match change.kind {
            ChangeKind::EventRemoved
            | ChangeKind::MemberRemoved
            | ChangeKind::ValueRemoved { .. }
            | ChangeKind::DataRemoved
            | ChangeKind::FeatureRemoved { .. } => [old, Source::Unknown],
            ChangeKind::AbsentFromBuild { .. } => [old, new],
            _ => [new, Source::Unknown],
        };
        if let Some((via, location)) = sides
            .iter()
            .find_map(|side| side.find(&change.event, &change.member, value))
        {
            change.via = via;
            change.location = Some(location);
        }
    }
}

/// All changes from `old` to `new`, in a stable order: the events' by
/// name, then the commands', each in the order of the members.
pub fn compare(old: &Spec, new: &Spec) -> Vec<Change> {
    compare_parts(old, new, true)
}

/// The events' changes only (what the generated crate types).
pub fn compare_events(old: &Spec, new: &Spec) -> Vec<Change> {
    compare_parts(old, new, false)
}

fn compare_parts(old: &Spec, new: &Spec, commands: bool) -> Vec<Change> {
    let sides = Sides {
        old_build: old.build.is_some(),
        new_build: new.build.is_some(),
        old: &old.types,
        new: &new.types,
    };
    // A title names a side (a QAPI side's is made up from its name): it
    // says nothing about the events, and is not compared.
    let mut changes = Vec::new();
    let old_events: Vec<(&str, &Section)> = old.events().collect();
    let new_events: Vec<(&str, &Section)> = new.events().collect();

    let mut added: Vec<(&str, &Section)> = new_events
        .iter()
        .filter(|(n, _)| find(&old_events, n).is_none())
        .copied()
        .collect();
    let mut removed: Vec<(&str, &Section)> = old_events
        .iter()
        .filter(|(n, _)| find(&new_events, n).is_none())
        .copied()
        .collect();
    // What a build lacks by its condition is neither added nor removed.
    for (list, build) in [
        (&mut added, sides.old_build),
        (&mut removed, sides.new_build),
    ] {
        list.retain(|(name, section)| match (&section.condition, build) {
            (Some(condition), true) => {
                changes.push(absent(name, "", condition, None, None));
                false
            }
            _ => true,
        });
    }
    // A removal and an addition with the same body: a likely rename.
    let mut renamed = Vec::new();
    removed.retain(|(old_name, old_section)| {
        match added.iter().position(|(_, new_section)| {
            body(&old.types, old_section) == body(&new.types, new_section)
        }) {
            Some(i) => {
                let (new_name, _) = added.remove(i);
                renamed.push((old_name.to_string(), new_name.to_string()));
                false
            }
            None => true,
        }
    });
    for (name, _) in &added {
        changes.push(change(name, "", ChangeKind::EventAdded, None, None));
    }
    for (name, _) in &removed {
        changes.push(change(name, "", ChangeKind::EventRemoved, None, None));
    }
    for (from, to) in renamed {
        changes.push(change(
            &to,
            "",
            ChangeKind::EventRenamed { from: from.clone() },
            Some(from),
            Some(to.clone()),
        ));
    }
    // Each pair of types is compared once, whichever events and commands
    // reach it.
    let mut compared = Compared::new();
    for (name, new_section) in &new_events {
        if let Some(old_section) = find(&old_events, name) {
            section_changes(
                sides,
                name,
                (old_section, new_section),
                &mut compared,
                &mut changes,
            );
        }
    }
    if commands {
        command_changes(sides, (old, new), &mut compared, &mut changes);
    }
    for change in &mut changes {
        if change.class != Class::Documentation && (unstable(old, change) || unstable(new, change))
        {
            change.class = Class::Unstable;
        }
    }
    changes.sort_by(|a, b| (a.on, &a.event).cmp(&(b.on, &b.event)));
    changes
}

/// The commands' changes: added, removed, and for each command both sides
/// have, its condition and features, its arguments (classified as what a
/// client sends) and its return.
fn command_changes(
    sides: Sides<'_>,
    (old, new): (&Spec, &Spec),
    compared: &mut Compared,
    out: &mut Vec<Change>,
) {
    let start = out.len();
    let old_commands: std::collections::HashMap<&str, &Command> =
        old.commands.iter().map(|c| (c.name.as_str(), c)).collect();
    let new_names: std::collections::HashSet<&str> =
        new.commands.iter().map(|c| c.name.as_str()).collect();
    for command in &new.commands {
        let name = command.name.as_str();
        let Some(before) = old_commands.get(name) else {
            match (&command.condition, sides.old_build) {
                (Some(condition), true) => out.push(absent(name, "", condition, None, None)),
                _ => out.push(change(name, "", ChangeKind::CommandAdded, None, None)),
            }
            continue;
        };
        qapi_changes(
            sides,
            name,
            "",
            (&before.condition, &before.features),
            (&command.condition, &command.features),
            out,
        );
        if sides.documented() && before.description != command.description {
            out.push(change(
                name,
                "",
                ChangeKind::DescriptionChanged,
                Some(before.description.clone()),
                Some(command.description.clone()),
            ));
        }
        let sent = out.len();
        root_changes(
            sides,
            name,
            "arguments",
            (before.arguments, command.arguments),
            compared,
            out,
        );
        for change in &mut out[sent..] {
            change.class = classify_sent(&change.kind);
        }
        root_changes(
            sides,
            name,
            "returns",
            (before.returns, command.returns),
            compared,
            out,
        );
    }
    for command in old
        .commands
        .iter()
        .filter(|c| !new_names.contains(c.name.as_str()))
    {
        match (&command.condition, sides.new_build) {
            (Some(condition), true) => out.push(absent(&command.name, "", condition, None, None)),
            _ => out.push(change(
                &command.name,
                "",
                ChangeKind::CommandRemoved,
                None,
                None,
            )),
        }
    }
    for change in &mut out[start..] {
        change.on = Target::Command;
    }
}

/// A command's arguments or return (`root`) on both sides: compared as a
/// member of that name; a side without one (no arguments, a return of
/// `{}`) as an object without members.
fn root_changes(
    sides: Sides<'_>,
    command: &str,
    root: &str,
    (old, new): (Option<TypeId>, Option<TypeId>),
    compared: &mut Compared,
    out: &mut Vec<Change>,
) {
    let mut walk = Walk {
        sides,
        event: command,
        inside: Vec::new(),
        compared,
        out,
    };
    let prefix = format!("{root}.");
    match (old, new) {
        (Some(old), Some(new)) => walk.member(root, Node::items(old), Node::items(new)),
        (None, Some(new)) if matches!(sides.new.get(new).kind, TypeKind::Object { .. }) => walk
            .members(
                (&prefix, Part::Members),
                Vec::new(),
                sides.new.members(new).iter().map(Node::member).collect(),
            ),
        (Some(old), None) if matches!(sides.old.get(old).kind, TypeKind::Object { .. }) => walk
            .members(
                (&prefix, Part::Members),
                sides.old.members(old).iter().map(Node::member).collect(),
                Vec::new(),
            ),
        (None, None) => {}
        (old, new) => {
            let label = |types: &Types, ty: Option<TypeId>| {
                Some(ty.map_or("{}".to_string(), |ty| types.label(ty)))
            };
            walk.out.push(change(
                command,
                root,
                ChangeKind::TypeChanged,
                label(sides.old, old),
                label(sides.new, new),
            ));
        }
    }
}

/// Whether a change is to an unstable part on `spec`'s side: the event or
/// command, or a member on the change's path, has the feature `unstable`
/// or a name starting `x-`.
fn unstable(spec: &Spec, change: &Change) -> bool {
    let is_unstable = |name: &str, features: &[Feature]| {
        name.starts_with("x-") || features.iter().any(|f| f.name == "unstable")
    };
    let mut segments = change.member.split('.').filter(|s| !s.is_empty());
    let mut current = match change.on {
        Target::Command => {
            let Some(command) = spec.commands.iter().find(|c| c.name == change.event) else {
                return false;
            };
            if is_unstable(&command.name, &command.features) {
                return true;
            }
            match segments.next() {
                Some("arguments") => command.arguments,
                Some(_) => command.returns,
                None => None,
            }
        }
        Target::Event => {
            let Some((name, section)) = spec.events().find(|(n, _)| *n == change.event) else {
                return false;
            };
            if is_unstable(name, &section.features) {
                return true;
            }
            section.data.ty()
        }
    };
    let types = &spec.types;
    for segment in segments {
        let Some(ty) = current else { break };
        let ty = types.element(ty);
        let name = segment.trim_end_matches("[]");
        if let Some(member) = types.members(ty).iter().find(|m| m.name == name) {
            if is_unstable(&member.name, &member.features) {
                return true;
            }
            current = Some(member.ty);
        } else if let Some(branch) = types.branches(ty).iter().find(|b| b.name == name) {
            current = Some(branch.ty);
        } else {
            break;
        }
    }
    false
}

/// Which sides are builds read from introspection, and each side's types.
#[derive(Clone, Copy)]
struct Sides<'a> {
    old_build: bool,
    new_build: bool,
    old: &'a Types,
    new: &'a Types,
}

impl Sides<'_> {
    /// Whether both sides have documentation of their own to compare.
    fn documented(self) -> bool {
        !self.old_build && !self.new_build
    }

    /// Whether two types are the same. A build's introspection says only
    /// `int` of every integer type: the same as any of them.
    fn same_type(self, a: TypeId, b: TypeId) -> bool {
        let (a, b) = (wire(self.old, a), wire(self.new, b));
        a == b
            || (!self.documented()
                && (a == Wire::Scalar(Scalar::Int) || b == Wire::Scalar(Scalar::Int))
                && matches!(a, Wire::Scalar(a) if a.is_integer())
                && matches!(b, Wire::Scalar(b) if b.is_integer()))
    }

    /// Whether conditions are compared: not when a side has them decided.
    fn conditional(self) -> bool {
        self.documented()
    }
}

fn absent(
    event: &str,
    member: &str,
    condition: &Condition,
    value: Option<&str>,
    feature: Option<&str>,
) -> Change {
    change(
        event,
        member,
        ChangeKind::AbsentFromBuild {
            condition: condition.to_string(),
            value: value.map(str::to_string),
            feature: feature.map(str::to_string),
        },
        None,
        None,
    )
}

fn find<'s>(events: &[(&str, &'s Section)], name: &str) -> Option<&'s Section> {
    events
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, section)| *section)
}

/// What an event's section says apart from its name and examples (which
/// name the event).
fn body<'a>(
    types: &'a Types,
    section: &'a Section,
) -> (&'a str, canonical::CanonicalData<'a>, Vec<&'a str>) {
    let canonical = canonical::section(types, section);
    (canonical.description, canonical.data, canonical.notes)
}

fn change(
    event: &str,
    member: &str,
    kind: ChangeKind,
    old: Option<String>,
    new: Option<String>,
) -> Change {
    let class = classify(&kind);
    Change {
        event: event.to_string(),
        on: Target::Event,
        member: member.to_string(),
        kind,
        class,
        was_optional: false,
        via: None,
        location: None,
        old,
        new,
    }
}

/// The rule of this module's documentation, for what a client reads (an
/// event's data, a command's return) and for the event or command itself.
pub fn classify(kind: &ChangeKind) -> Class {
    match kind {
        ChangeKind::MemberRemoved
        | ChangeKind::MadeOptional
        | ChangeKind::TypeChanged
        | ChangeKind::DataRemoved
        | ChangeKind::EventRenamed { .. }
        | ChangeKind::CommandRemoved => Class::Breaking,
        ChangeKind::ValueAdded { .. }
        | ChangeKind::ValueRemoved { .. }
        | ChangeKind::ValuesEnumerated
        | ChangeKind::ValuesNoLongerEnumerated
        | ChangeKind::EventRemoved
        | ChangeKind::BranchRemoved
        | ChangeKind::ConditionChanged { widened: false } => Class::PotentiallyBreaking,
        ChangeKind::FeatureAdded { feature } => match feature.as_str() {
            "deprecated" => Class::Notice,
            // It loses QEMU's promise.
            "unstable" => Class::PotentiallyBreaking,
            // A capability QEMU now says it has.
            _ => Class::Compatible,
        },
        ChangeKind::FeatureRemoved { .. }
        | ChangeKind::AbsentFromBuild { .. }
        | ChangeKind::ConditionChanged { widened: true } => Class::Compatible,
        ChangeKind::EventAdded
        | ChangeKind::CommandAdded
        | ChangeKind::DataAdded
        | ChangeKind::MemberAdded { .. }
        | ChangeKind::BranchAdded
        | ChangeKind::MadeRequired => Class::Compatible,
        ChangeKind::DescriptionChanged | ChangeKind::NotesChanged | ChangeKind::ExamplesChanged => {
            Class::Documentation
        }
    }
}

/// The rule for what a client sends: a command's arguments.
pub fn classify_sent(kind: &ChangeKind) -> Class {
    match kind {
        ChangeKind::MemberAdded { optional: false }
        | ChangeKind::MemberRemoved
        | ChangeKind::MadeRequired
        | ChangeKind::TypeChanged
        | ChangeKind::ValueRemoved { .. }
        | ChangeKind::BranchRemoved
        | ChangeKind::ValuesEnumerated
        | ChangeKind::DataRemoved => Class::Breaking,
        ChangeKind::MemberAdded { optional: true }
        | ChangeKind::MadeOptional
        | ChangeKind::ValueAdded { .. }
        | ChangeKind::BranchAdded
        | ChangeKind::ValuesNoLongerEnumerated => Class::Compatible,
        other => classify(other),
    }
}

/// Whether every build for which `old` holds has `new` hold too: by truth
/// table over their symbols (QAPI's conditions name a few); `false` when
/// they name too many to tell.
pub fn implies(old: &Condition, new: &Condition) -> bool {
    fn symbols<'c>(condition: &'c Condition, out: &mut Vec<&'c str>) {
        match condition {
            Condition::Name(name) => {
                if !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
            Condition::All(list) | Condition::Any(list) => {
                list.iter().for_each(|c| symbols(c, out))
            }
            Condition::Not(inner) => symbols(inner, out),
        }
    }
    let mut names = Vec::new();
    symbols(old, &mut names);
    symbols(new, &mut names);
    const MAX_SYMBOLS: usize = 12;
    if names.len() > MAX_SYMBOLS {
        return false;
    }
    (0u32..1 << names.len()).all(|bits| {
        let defined = |symbol: &str| {
            names
                .iter()
                .position(|n| *n == symbol)
                .is_some_and(|i| bits & (1 << i) != 0)
        };
        !old.holds(&defined) || new.holds(&defined)
    })
}

/// Changes of an `if` and of the features of an event or member.
fn qapi_changes(
    sides: Sides<'_>,
    event: &str,
    path: &str,
    (old_if, old_features): (&Option<Condition>, &[Feature]),
    (new_if, new_features): (&Option<Condition>, &[Feature]),
    out: &mut Vec<Change>,
) {
    if sides.conditional() && old_if != new_if {
        let show =
            |c: &Option<Condition>| Some(c.as_ref().map_or("always".into(), |c| c.to_string()));
        let widened = match (old_if, new_if) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(old), Some(new)) => implies(old, new),
        };
        out.push(change(
            event,
            path,
            ChangeKind::ConditionChanged { widened },
            show(old_if),
            show(new_if),
        ));
    }
    for feature in new_features {
        if !old_features.iter().any(|f| f.name == feature.name) {
            if let (Some(condition), true) = (&feature.condition, sides.old_build) {
                out.push(absent(event, path, condition, None, Some(&feature.name)));
                continue;
            }
            out.push(change(
                event,
                path,
                ChangeKind::FeatureAdded {
                    feature: feature.name.clone(),
                },
                None,
                None,
            ));
        }
    }
    for feature in old_features {
        if !new_features.iter().any(|f| f.name == feature.name) {
            if let (Some(condition), true) = (&feature.condition, sides.new_build) {
                out.push(absent(event, path, condition, None, Some(&feature.name)));
                continue;
            }
            out.push(change(
                event,
                path,
                ChangeKind::FeatureRemoved {
                    feature: feature.name.clone(),
                },
                None,
                None,
            ));
        }
    }
}

fn section_changes<'a>(
    sides: Sides<'a>,
    event: &'a str,
    (old, new): (&Section, &Section),
    compared: &mut Compared,
    out: &mut Vec<Change>,
) {
    qapi_changes(
        sides,
        event,
        "",
        (&old.condition, &old.features),
        (&new.condition, &new.features),
        out,
    );
    if sides.documented() && old.description != new.description {
        out.push(change(
            event,
            "",
            ChangeKind::DescriptionChanged,
            Some(old.description.clone()),
            Some(new.description.clone()),
        ));
    }
    match (&old.data, &new.data) {
        (Data::Members { .. }, Data::Members { .. }) => {
            let (a, b) = (
                Node::data(sides.old, old.data.ty()),
                Node::data(sides.new, new.data.ty()),
            );
            Walk {
                sides,
                event,
                inside: Vec::new(),
                compared,
                out,
            }
            .members(("", Part::Members), a, b)
        }
        (Data::External { type_name: a, .. }, Data::External { type_name: b, .. }) if a != b => out
            .push(change(
                event,
                "",
                ChangeKind::TypeChanged,
                Some(a.clone()),
                Some(b.clone()),
            )),
        (Data::None | Data::Unspecified, Data::Members { .. } | Data::External { .. }) => {
            out.push(change(event, "", ChangeKind::DataAdded, None, None))
        }
        (Data::Members { .. } | Data::External { .. }, Data::None | Data::Unspecified) => {
            out.push(change(event, "", ChangeKind::DataRemoved, None, None))
        }
        (Data::Members { .. }, Data::External { type_name, .. }) => out.push(change(
            event,
            "",
            ChangeKind::TypeChanged,
            Some("members".into()),
            Some(type_name.clone()),
        )),
        (Data::External { type_name, .. }, Data::Members { .. }) => out.push(change(
            event,
            "",
            ChangeKind::TypeChanged,
            Some(type_name.clone()),
            Some("members".into()),
        )),
        _ => {}
    }
    let notes = |s: &Section| {
        s.notes
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    if !sides.documented() {
        return;
    }
    if notes(old) != notes(new) {
        out.push(change(
            event,
            "",
            ChangeKind::NotesChanged,
            Some(notes(old)),
            Some(notes(new)),
        ));
    }
    let examples = |types, s| canonical::section(types, s).examples;
    if examples(sides.old, old) != examples(sides.new, new) {
        let raw = |s: &Section| {
            s.examples
                .iter()
                .map(|e| e.raw.clone())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        out.push(change(
            event,
            "",
            ChangeKind::ExamplesChanged,
            Some(raw(old)),
            Some(raw(new)),
        ));
    }
}

/// Whether a list of fields holds members or a union's branches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Members,
    Branches,
}

/// A type's kind on the wire, as the changes compare it: an enumeration is
/// a string, an external type is its name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wire<'a> {
    Scalar(Scalar),
    Array,
    Object,
    Union,
    Alternate,
    External(Option<&'a str>),
}

fn wire(types: &Types, ty: TypeId) -> Wire<'_> {
    let def = types.get(ty);
    match &def.kind {
        TypeKind::Scalar { scalar } => Wire::Scalar(*scalar),
        TypeKind::Enum { .. } => Wire::Scalar(Scalar::String),
        TypeKind::Array { .. } => Wire::Array,
        TypeKind::Object { .. } => Wire::Object,
        TypeKind::Union { .. } => Wire::Union,
        TypeKind::Alternate { .. } => Wire::Alternate,
        TypeKind::External => Wire::External(def.name.as_deref()),
    }
}

/// What the changes compare of a member, a branch or an array's elements.
#[derive(Clone, Copy)]
struct Node<'a> {
    name: &'a str,
    ty: TypeId,
    optional: bool,
    description: &'a str,
    condition: &'a Option<Condition>,
    features: &'a [Feature],
}

impl<'a> Node<'a> {
    /// The members of an event's data.
    fn data(types: &'a Types, data: Option<TypeId>) -> Vec<Node<'a>> {
        data.map_or(Vec::new(), |data| {
            types.members(data).iter().map(Node::member).collect()
        })
    }

    fn member(member: &'a Member) -> Node<'a> {
        Node {
            name: &member.name,
            ty: member.ty,
            optional: member.optional,
            description: &member.description,
            condition: &member.condition,
            features: &member.features,
        }
    }

    fn branch(branch: &'a Branch) -> Node<'a> {
        Node {
            name: &branch.name,
            ty: branch.ty,
            optional: false,
            description: &branch.description,
            condition: &branch.condition,
            features: &[],
        }
    }

    fn items(ty: TypeId) -> Node<'a> {
        Node {
            name: "",
            ty,
            optional: false,
            description: "",
            condition: &None,
            features: &[],
        }
    }
}

/// The changes inside each pair of types compared (old side's, new
/// side's), their paths relative to the pair: the visited set of the walk
/// over both sides' graphs. A pair met again, in this event or another, is
/// not walked again; its changes are given at the new place.
type Compared = std::collections::HashMap<(TypeId, TypeId), Vec<Change>>;

/// The comparison of two events' data: the old side's types against the
/// new side's, in step. A pair of types met again inside itself is not
/// compared again: the walk ends there.
struct Walk<'a, 'o> {
    sides: Sides<'a>,
    event: &'a str,
    /// The pairs of types being compared.
    inside: Vec<(TypeId, TypeId)>,
    compared: &'o mut Compared,
    out: &'o mut Vec<Change>,
}

impl<'a> Walk<'a, '_> {
    fn members(&mut self, (prefix, part): (&str, Part), old: Vec<Node<'a>>, new: Vec<Node<'a>>) {
        let (sides, event) = (self.sides, self.event);
        for field in &new {
            let path = format!("{prefix}{}", field.name);
            match old.iter().find(|f| f.name == field.name) {
                None if sides.old_build && field.condition.is_some() => {
                    if let Some(condition) = field.condition {
                        self.out.push(absent(event, &path, condition, None, None));
                    }
                }
                None if part == Part::Branches => self.out.push(change(
                    event,
                    &path,
                    ChangeKind::BranchAdded,
                    None,
                    Some(sides.new.label(field.ty)),
                )),
                None => self.out.push(change(
                    event,
                    &path,
                    ChangeKind::MemberAdded {
                        optional: field.optional,
                    },
                    None,
                    Some(sides.new.label(field.ty)),
                )),
                Some(before) => self.member(&path, *before, *field),
            }
        }
        for field in old.iter().filter(|f| !new.iter().any(|n| n.name == f.name)) {
            if let (Some(condition), true) = (field.condition, sides.new_build) {
                self.out.push(absent(
                    event,
                    &format!("{prefix}{}", field.name),
                    condition,
                    None,
                    None,
                ));
                continue;
            }
            let kind = match part {
                Part::Members => ChangeKind::MemberRemoved,
                Part::Branches => ChangeKind::BranchRemoved,
            };
            let mut removed = change(
                event,
                &format!("{prefix}{}", field.name),
                kind,
                Some(sides.old.label(field.ty)),
                None,
            );
            removed.was_optional = field.optional;
            self.out.push(removed);
        }
    }

    fn member(&mut self, path: &str, old: Node<'a>, new: Node<'a>) {
        let (sides, event) = (self.sides, self.event);
        if !sides.same_type(old.ty, new.ty) {
            self.out.push(change(
                event,
                path,
                ChangeKind::TypeChanged,
                Some(sides.old.label(old.ty)),
                Some(sides.new.label(new.ty)),
            ));
        } else if !self.inside.contains(&(old.ty, new.ty)) {
            self.inside.push((old.ty, new.ty));
            self.types(path, old.ty, new.ty);
            self.inside.pop();
        }
        qapi_changes(
            sides,
            event,
            path,
            (old.condition, old.features),
            (new.condition, new.features),
            self.out,
        );
        match (old.optional, new.optional) {
            (false, true) => {
                self.out
                    .push(change(event, path, ChangeKind::MadeOptional, None, None))
            }
            (true, false) => {
                self.out
                    .push(change(event, path, ChangeKind::MadeRequired, None, None))
            }
            _ => {}
        }
        self.values(path, old.ty, new.ty);
        if sides.documented() && old.description != new.description {
            self.out.push(change(
                event,
                path,
                ChangeKind::DescriptionChanged,
                Some(old.description.to_string()),
                Some(new.description.to_string()),
            ));
        }
    }

    /// Two types of the same kind, compared once: their changes, at
    /// `path`.
    fn types(&mut self, path: &str, old: TypeId, new: TypeId) {
        let relative = match self.compared.get(&(old, new)) {
            Some(relative) => relative.clone(),
            None => {
                let outer = std::mem::take(self.out);
                self.compare_types(old, new);
                let relative = std::mem::replace(self.out, outer);
                self.compared.insert((old, new), relative.clone());
                relative
            }
        };
        for mut change in relative {
            change.event = self.event.to_string();
            change.member = format!("{path}{}", change.member);
            self.out.push(change);
        }
    }

    /// Two types of the same kind: their members, a union's branches and
    /// an alternate's, by name; an array's elements; each change's path
    /// relative to the types (`.member`, `[]`).
    fn compare_types(&mut self, old: TypeId, new: TypeId) {
        let path = "";
        let (a, b) = (self.sides.old, self.sides.new);
        let (old_members, new_members) = (a.members(old), b.members(new));
        if !old_members.is_empty() || !new_members.is_empty() {
            self.members(
                (&format!("{path}."), Part::Members),
                old_members.iter().map(Node::member).collect(),
                new_members.iter().map(Node::member).collect(),
            );
        }
        let (old_branches, new_branches) = (a.branches(old), b.branches(new));
        if !old_branches.is_empty() || !new_branches.is_empty() {
            self.members(
                (&format!("{path}."), Part::Branches),
                old_branches.iter().map(Node::branch).collect(),
                new_branches.iter().map(Node::branch).collect(),
            );
        }
        if let (TypeKind::Array { items: Some(x) }, TypeKind::Array { items: Some(y) }) =
            (&a.get(old).kind, &b.get(new).kind)
        {
            self.member(&format!("{path}[]"), Node::items(*x), Node::items(*y));
        }
    }

    fn values(&mut self, path: &str, old: TypeId, new: TypeId) {
        let (sides, event) = (self.sides, self.event);
        let (old_values, new_values) = (sides.old.values(old), sides.new.values(new));
        let before: Vec<String> = old_values.iter().map(|v| v.value.clone()).collect();
        let after: Vec<String> = new_values.iter().map(|v| v.value.clone()).collect();
        match (before.is_empty(), after.is_empty()) {
            (true, false) => self.out.push(change(
                event,
                path,
                ChangeKind::ValuesEnumerated,
                None,
                Some(after.join(", ")),
            )),
            (false, true) => self.out.push(change(
                event,
                path,
                ChangeKind::ValuesNoLongerEnumerated,
                Some(before.join(", ")),
                None,
            )),
            _ => {
                let condition = |values: &[crate::model::EnumValue], v: &str| {
                    values
                        .iter()
                        .find(|e| e.value == v)
                        .and_then(|e| e.condition.clone())
                };
                for value in after.iter().filter(|v| !before.contains(v)) {
                    if let (Some(c), true) = (condition(new_values, value), sides.old_build) {
                        self.out.push(absent(event, path, &c, Some(value), None));
                        continue;
                    }
                    self.out.push(change(
                        event,
                        path,
                        ChangeKind::ValueAdded {
                            value: value.clone(),
                        },
                        None,
                        None,
                    ));
                }
                for value in before.iter().filter(|v| !after.contains(v)) {
                    if let (Some(c), true) = (condition(old_values, value), sides.new_build) {
                        self.out.push(absent(event, path, &c, Some(value), None));
                        continue;
                    }
                    self.out.push(change(
                        event,
                        path,
                        ChangeKind::ValueRemoved {
                            value: value.clone(),
                        },
                        None,
                        None,
                    ));
                }
            }
        }
    }
}

/// How many changes of each class, in the order of [`Class`].
pub fn summary(changes: &[Change]) -> [(Class, usize); 6] {
    Class::ALL.map(|class| (class, changes.iter().filter(|c| c.class == class).count()))
}
