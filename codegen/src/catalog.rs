//! The catalog of types the generators share: every event any revision of the
//! history documents, typed from the newest revision that documents it, with
//! nested objects and enumerations named once and shared where their shapes
//! are equal. A member is required only where every revision documenting
//! its event requires it, so the types decode what any QEMU of the history
//! sends. It stands between the spec models and the outputs, so the Rust
//! and JSON Schema generators name things the same way.

use std::collections::{BTreeMap, HashMap};

use qmp_spec::history::timeline::{MemberHistory, Timeline, member_history};
use qmp_spec::types::{Branch, Scalar, TypeId, TypeKind, Types};
use qmp_spec::{Data, EnumValue, Section};

use crate::Revision;
use crate::idents::{Case, RESERVED_TYPES, Scope, sanitize};

pub struct Catalog<'a> {
    /// Every event, by name.
    pub events: Vec<EventType<'a>>,
    pub objects: Vec<ObjectType<'a>>,
    pub enums: Vec<EnumType<'a>>,
    pub unions: Vec<UnionType<'a>>,
    pub alternates: Vec<AlternateType<'a>>,
    /// Since and until of every member of every event's data, by event and
    /// dotted path (`addr.inet.keep-alive-count`: members, and union
    /// branches by the discriminator's value), sorted.
    pub member_histories: BTreeMap<(&'a str, String), (&'a str, Option<&'a str>)>,
    /// Every command of the QAPI era, by name.
    pub commands: Vec<CommandType<'a>>,
    /// Since and until of each command's arguments and return's members,
    /// by command and `arguments.NAME` or `return.NAME`, sorted.
    pub command_members: BTreeMap<(&'a str, String), (&'a str, Option<&'a str>)>,
    /// Where the types only commands reach start in `objects`, `enums`,
    /// `unions` and `alternates`: the types before are the events', named
    /// as they were before commands were typed, and shared by commands
    /// whose types have the same shape.
    pub command_types: Firsts,
}

/// Which way a type travels: in a request QEMU is sent (a command's
/// arguments), in what QEMU sends (a return, an event), or both. A
/// command's type is encoded only if sent and decoded only if received:
/// the code a build compiles is what its users call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ways {
    pub sent: bool,
    pub received: bool,
}

impl Ways {
    pub const BOTH: Ways = Ways {
        sent: true,
        received: true,
    };
    pub const SENT: Ways = Ways {
        sent: true,
        received: false,
    };
    pub const RECEIVED: Ways = Ways {
        sent: false,
        received: true,
    };
}

/// Where a kind's command-only types start.
#[derive(Debug, Clone, Copy, Default)]
pub struct Firsts {
    pub objects: usize,
    pub enums: usize,
    pub unions: usize,
    pub alternates: usize,
}

/// A command of the QAPI era, typed from the newest revision that has it.
/// A member of its arguments or return is required only where every
/// revision that has the type holding it requires it, as for events: the
/// types decode what any QEMU of the history returns.
pub struct CommandType<'a> {
    /// The command's name on the wire, e.g. `query-status`.
    pub name: &'a str,
    /// `QueryStatus`: its arguments' struct in the crate's `commands`.
    pub type_name: String,
    /// The newest revision's command.
    pub command: &'a qmp_spec::model::Command,
    /// The first revision that has it.
    pub introduced: &'a str,
    /// The newest revision that has it, when the history's newest does not.
    pub last: Option<&'a str>,
    /// The revisions of the timeline that have it, oldest first.
    pub present_in: Vec<&'a str>,
    pub arguments: Arguments<'a>,
    /// The type of its return; `None` for `{}`.
    pub returns: Option<TypeRef>,
}

/// A command's arguments.
pub enum Arguments<'a> {
    None,
    /// Members of their own (QAPI's `data` as members, or a struct named).
    Fields(Vec<Member<'a>>),
    /// A union or alternate given whole (`boxed`).
    Boxed(TypeRef),
}

pub struct EventType<'a> {
    /// The event's name on the wire, e.g. `BLOCK_IO_ERROR`.
    pub name: &'a str,
    /// `BlockIoError`
    pub type_name: String,
    /// The section of the newest revision that documents the event.
    pub section: &'a Section,
    /// That revision's types, which the section's data refers to.
    pub types: &'a Types,
    /// That revision.
    pub revision: &'a str,
    /// The first revision that documents the event.
    pub introduced: &'a str,
    /// The newest revision documenting it, when the history's newest does not.
    pub last_documented: Option<&'a str>,
    /// The revisions of the timeline that document it, oldest first.
    pub documented_in: Vec<&'a str>,
    /// Whether the newest revision documenting the event is a QAPI release.
    pub qapi: bool,
    pub data: EventData<'a>,
    /// The revisions documenting the event without data, when some do and
    /// the newest has data: a QEMU of theirs sends none, so the data is
    /// optional in the types.
    pub dataless_in: Vec<&'a str>,
}

pub enum EventData<'a> {
    /// The event carries no data (`Data: None.`), or the text says nothing.
    None,
    /// A struct of members.
    Fields(Vec<Member<'a>>),
    /// A type of QEMU's QAPI schema, which this history does not describe.
    External { type_name: &'a str },
}

/// A member of an event's data or of an object.
pub struct Member<'a> {
    /// The member as its revision declares it.
    pub declared: &'a qmp_spec::types::Member,
    pub ty: TypeRef,
    /// The first revision in which the event has this member.
    pub introduced: &'a str,
    /// The last revision that has the member, when a later revision that
    /// documents the event no longer does.
    pub dropped_after: Option<&'a str>,
    /// Whether every revision that documents the event has the member and
    /// requires it. A member added by a later revision, or optional in any,
    /// is not: a QEMU of the earlier revisions does not send it.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    String,
    Int,
    /// A `json-number` whose every example in the history is an integer:
    /// QEMU sends integers (its QAPI schema says `int`).
    IntegralNumber,
    Number,
    Bool,
    /// A QAPI sized integer or `size`.
    Sized(Sized),
    /// An array: of the type given, or of any JSON value.
    Array(Option<Box<TypeRef>>),
    /// Any JSON value: `json-value`, `any`, or an object whose members are
    /// not listed.
    Value,
    /// JSON `null`.
    Null,
    /// A QAPI type, kept as a JSON value.
    External(String),
    Object(usize),
    Enum(usize),
    Union(usize),
    Alternate(usize),
}

/// QAPI's sized integers; `size` is a byte count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sized {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Size,
}

impl Sized {
    /// The Rust type, and the QAPI name.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Sized::I8 => ("i8", "int8"),
            Sized::I16 => ("i16", "int16"),
            Sized::I32 => ("i32", "int32"),
            Sized::I64 => ("i64", "int64"),
            Sized::U8 => ("u8", "uint8"),
            Sized::U16 => ("u16", "uint16"),
            Sized::U32 => ("u32", "uint32"),
            Sized::U64 => ("u64", "uint64"),
            Sized::Size => ("u64", "size"),
        }
    }

    /// The smallest and largest value.
    pub fn bounds(self) -> (i128, i128) {
        match self {
            Sized::I8 => (i8::MIN.into(), i8::MAX.into()),
            Sized::I16 => (i16::MIN.into(), i16::MAX.into()),
            Sized::I32 => (i32::MIN.into(), i32::MAX.into()),
            Sized::I64 => (i64::MIN.into(), i64::MAX.into()),
            Sized::U8 => (0, u8::MAX.into()),
            Sized::U16 => (0, u16::MAX.into()),
            Sized::U32 => (0, u32::MAX.into()),
            Sized::U64 | Sized::Size => (0, u64::MAX.into()),
        }
    }
}

pub struct ObjectType<'a> {
    pub name: String,
    /// Which ways it travels.
    pub ways: Ways,
    pub members: Vec<Member<'a>>,
    /// The events whose data holds the object, sorted.
    pub users: Vec<&'a str>,
    /// The description of the first member that has this shape.
    pub description: &'a str,
    /// The QAPI type it is, when it is one.
    pub qapi_name: Option<&'a str>,
}

pub struct EnumType<'a> {
    pub name: String,
    /// Which ways it travels.
    pub ways: Ways,
    pub values: &'a [EnumValue],
    pub users: Vec<&'a str>,
    pub qapi_name: Option<&'a str>,
    /// For each value, the first revision of the timeline that has it (none
    /// when the enumeration always had it), and the last when a later one
    /// that has the member no longer does.
    pub value_history: Vec<(Option<&'a str>, Option<&'a str>)>,
    /// Where the enumeration is used: each event and member path.
    uses: Vec<(&'a str, Vec<&'a str>)>,
}

/// A QAPI union: the discriminator's value says which branch the object
/// is; each branch's payload is an object of the union's other common
/// members and the branch's own.
pub struct UnionType<'a> {
    pub name: String,
    /// Which ways it travels.
    pub ways: Ways,
    pub discriminator: &'a str,
    /// The branches: the discriminator's value and the branch's payload.
    pub variants: Vec<(&'a str, TypeRef)>,
    pub users: Vec<&'a str>,
    pub description: &'a str,
    pub qapi_name: Option<&'a str>,
}

/// A QAPI alternate: one of several types, told apart by their JSON type.
pub struct AlternateType<'a> {
    pub name: String,
    /// Which ways it travels.
    pub ways: Ways,
    pub variants: Vec<(&'a str, TypeRef)>,
    pub users: Vec<&'a str>,
    pub description: &'a str,
    pub qapi_name: Option<&'a str>,
}

impl<'a> Catalog<'a> {
    /// The catalog of the events of the revisions that make the timeline
    /// (the others are left out: see [`Revision::timeline`]).
    pub fn new(revisions: &'a [Revision<'a>]) -> Catalog<'a> {
        Catalog::build(revisions, false)
    }

    /// The same, with the commands and the types only they reach (the
    /// crate's `commands` module).
    pub fn with_commands(revisions: &'a [Revision<'a>]) -> Catalog<'a> {
        Catalog::build(revisions, true)
    }

    fn build(revisions: &'a [Revision<'a>], typing_commands: bool) -> Catalog<'a> {
        let revisions: Vec<&'a Revision<'a>> = revisions.iter().filter(|r| r.timeline).collect();
        // Since and until: the history's analysis, rendered here.
        let timeline = Timeline::new(revisions.iter().map(|r| (r.name(), r.spec)));
        // The QAPI types the history describes, by name (the newest wins):
        // what a text revision's reference to one resolves to.
        let tables: Vec<&'a Types> = revisions.iter().map(|r| &r.spec.types).collect();
        let mut named: HashMap<&'a str, Place> = HashMap::new();
        for (table, types) in tables.iter().enumerate() {
            for (id, def) in types.iter() {
                let described = !matches!(def.kind, TypeKind::External | TypeKind::Scalar { .. });
                if let Some(name) = def.name.as_deref().filter(|_| described) {
                    named.insert(name, (table, id));
                }
            }
        }
        let mut shapes = Shapes {
            named,
            tables,
            way: Ways::BOTH,
            ..Shapes::default()
        };
        let mut events = Vec::with_capacity(timeline.sections.len());
        // Variants of `Event` and `EventKind`; `Unknown` is the catch-all.
        let mut variants = Scope::with_reserved(&["Unknown"]);
        for (name, history) in timeline.events() {
            let Some(&(revision_name, section, _)) = history.last() else {
                continue;
            };
            let introduced = timeline.introduced(name).unwrap_or(revision_name);
            let Some(table) = revisions.iter().position(|r| r.name() == revision_name) else {
                continue;
            };
            let object = match &section.data {
                Data::External { type_name, .. } => shapes
                    .named
                    .get(type_name.as_str())
                    .copied()
                    .filter(|&(t, id)| {
                        matches!(shapes.tables[t].get(id).kind, TypeKind::Object { .. })
                    }),
                Data::Members { .. } => section.data.ty().map(|id| (table, id)),
                Data::None | Data::Unspecified => None,
            };
            let data = match (&section.data, object) {
                (_, Some((table, id))) => {
                    let members = shapes.tables[table].members(id);
                    EventData::Fields(shapes.members(
                        table,
                        members,
                        name,
                        None,
                        &mut Vec::new(),
                        &|_, path| member_history(history, path, introduced),
                    ))
                }
                (Data::External { type_name, .. }, None) => EventData::External { type_name },
                _ => EventData::None,
            };
            let dataless_in = match data {
                EventData::None => Vec::new(),
                _ => timeline.dataless.get(name).cloned().unwrap_or_default(),
            };
            events.push(EventType {
                name,
                type_name: variants.claim(name, Case::Pascal),
                section,
                types: shapes.tables[table],
                revision: revisions[table].name(),
                introduced,
                last_documented: timeline.last_documented(name),
                documented_in: history.iter().map(|(revision, _, _)| *revision).collect(),
                qapi: revisions[table].is_release(),
                data,
                dataless_in,
            });
        }
        // The commands' types after the events', so the events' keep their
        // names, their users and their histories.
        shapes.typing_commands = true;
        shapes.frozen = Firsts {
            objects: shapes.objects.len(),
            enums: shapes.enums.len(),
            unions: shapes.unions.len(),
            alternates: shapes.alternates.len(),
        };
        let commands = if typing_commands {
            commands(&revisions, &mut shapes)
        } else {
            Vec::new()
        };
        let mut catalog = shapes.finish(events, commands);
        let events_enums = catalog.command_types.enums;
        for enum_type in &mut catalog.enums[..events_enums] {
            enum_type.value_history = timeline.values(enum_type.values, &enum_type.uses);
        }
        // The values of the commands' own enumerations, dated by name.
        let values = if typing_commands {
            value_presence(&revisions)
        } else {
            Default::default()
        };
        for enum_type in &mut catalog.enums[events_enums..] {
            enum_type.value_history = enum_type
                .values
                .iter()
                .map(|value| {
                    let key = (
                        enum_type.qapi_name.unwrap_or_default(),
                        value.value.as_str(),
                    );
                    let (Some(had), Some(found)) = (values.0.get(key.0), values.1.get(&key)) else {
                        return (None, None);
                    };
                    let since = (found.first() != had.first()).then(|| found[0]);
                    let until = (found.last() != had.last()).then(|| found[found.len() - 1]);
                    (since, until)
                })
                .collect();
        }
        catalog
    }
}

/// Where each member of an owner was found: the revisions (indices into
/// the timeline's revisions with commands) that have the owner, and per
/// member those that have it with whether all of them require it. An
/// owner is a named type, or a command's arguments or return spelled in
/// place (`query-foo.arguments`, `query-foo.return.member` further in).
#[derive(Default)]
struct Presence {
    owners: HashMap<String, Vec<usize>>,
    members: HashMap<(String, String), (Vec<usize>, bool)>,
}

impl Presence {
    /// Records revision `at`'s types reached from `ty` at `place` (a
    /// command's `arguments` or `return` and the path in: members, and
    /// union branches by their tag's value), under the owner's name and
    /// under the place; a named type within itself (one of `within`) is not
    /// walked again.
    fn walk(
        &mut self,
        types: &Types,
        ty: TypeId,
        place: &str,
        at: usize,
        within: &mut Vec<TypeId>,
    ) {
        let def = types.get(ty);
        if def.name.is_some() && within.contains(&ty) {
            return;
        }
        within.push(ty);
        let own = |this: &mut Self, members: &[qmp_spec::types::Member], owner: &str| {
            note(this.owners.entry(owner.to_string()).or_default(), at);
            for member in members {
                let (found, required) = this
                    .members
                    .entry((owner.to_string(), member.name.clone()))
                    .or_insert_with(|| (Vec::new(), true));
                note(found, at);
                *required &= !member.optional && member.condition.is_none();
            }
        };
        let (members, branches): (&[qmp_spec::types::Member], &[Branch]) = match &def.kind {
            TypeKind::Object { members, .. } => (members, &[]),
            TypeKind::Union {
                members, branches, ..
            } => (members, branches),
            TypeKind::Alternate { branches } => {
                for branch in branches {
                    self.walk(types, branch.ty, place, at, within);
                }
                (&[], &[])
            }
            TypeKind::Array { items: Some(items) } => {
                self.walk(types, *items, place, at, within);
                (&[], &[])
            }
            _ => (&[], &[]),
        };
        if matches!(def.kind, TypeKind::Object { .. } | TypeKind::Union { .. }) {
            own(self, members, place);
            if let Some(name) = &def.name {
                own(self, members, name);
            }
        }
        for member in members {
            let inner = format!("{place}.{}", member.name);
            self.walk(types, member.ty, &inner, at, within);
        }
        for branch in branches {
            let inner = format!("{place}.{}", branch.name);
            self.walk(types, branch.ty, &inner, at, within);
        }
        within.pop();
    }

    /// The history of member `path`'s last part (`path` from a command's
    /// `arguments` or `return`), held by `owner` (none: an object spelled
    /// in place), over `names`. It is required where every revision that
    /// has the named type requires it, and every revision where the
    /// command has the place requires it too: a type renamed (`SGXInfo`,
    /// `SgxInfo` since 10.1) is dated by the place.
    fn history<'a>(
        &self,
        names: &[&'a str],
        command: &str,
        owner: Option<&str>,
        path: &[&str],
    ) -> MemberHistory<'a> {
        let Some((member, parent)) = path.split_last() else {
            return unknown(names[0]);
        };
        let place = format!("{command}.{}", parent.join("."));
        let of = |owner: &str| {
            let (found, required) = self.members.get(&(owner.to_string(), member.to_string()))?;
            let had = self.owners.get(owner)?;
            Some((found, *required && found.len() == had.len(), had))
        };
        let Some((found, at_place, had)) = of(&place) else {
            return unknown(names[0]);
        };
        let by_name = owner.and_then(of).is_none_or(|(_, required, _)| required);
        let first = found.first().map_or(names[0], |&i| names[i]);
        let last = *found.last().unwrap_or(&0);
        MemberHistory {
            introduced: first,
            dropped_after: (had.last() > found.last()).then(|| names[last]),
            required: at_place && by_name,
            integral: false,
        }
    }
}

/// The history of a member nothing is known of: there from `first` on,
/// optional.
fn unknown(first: &str) -> MemberHistory<'_> {
    MemberHistory {
        introduced: first,
        dropped_after: None,
        required: false,
        integral: false,
    }
}

/// The revisions of the timeline with commands that have each named
/// enumeration, and each of its values: what the values of the types only
/// commands reach are dated by.
type ValuePresence<'a> = (
    HashMap<&'a str, Vec<&'a str>>,
    HashMap<(&'a str, &'a str), Vec<&'a str>>,
);

fn value_presence<'a>(revisions: &[&'a Revision<'a>]) -> ValuePresence<'a> {
    let (mut enums, mut values): ValuePresence<'a> = Default::default();
    for (_, revision) in command_releases(revisions) {
        for (_, def) in revision.spec.types.iter() {
            let (Some(name), TypeKind::Enum { values: own }) = (def.name.as_deref(), &def.kind)
            else {
                continue;
            };
            enums.entry(name).or_default().push(revision.name());
            for value in own {
                values
                    .entry((name, &value.value))
                    .or_default()
                    .push(revision.name());
            }
        }
    }
    (enums, values)
}

/// The QAPI releases with commands, with their place among `revisions`
/// (their table of types): what the commands are typed and dated from. A
/// build's introspection is left out: it decides its conditions and names
/// its arguments' objects.
fn command_releases<'r, 'a>(
    revisions: &'r [&'a Revision<'a>],
) -> impl Iterator<Item = (usize, &'a Revision<'a>)> + 'r {
    revisions
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.spec.commands.is_empty() && r.spec.build.is_none())
        .map(|(table, r)| (table, *r))
}

/// Adds revision `at` to `list`, once.
fn note(list: &mut Vec<usize>, at: usize) {
    if list.last() != Some(&at) {
        list.push(at);
    }
}

/// The commands of the timeline's QAPI revisions, each typed from the
/// newest revision that has it, their types added to `shapes`.
fn commands<'a>(revisions: &[&'a Revision<'a>], shapes: &mut Shapes<'a>) -> Vec<CommandType<'a>> {
    let with: Vec<(usize, &'a Revision<'a>)> = command_releases(revisions).collect();
    let names: Vec<&'a str> = with.iter().map(|(_, r)| r.name()).collect();
    let mut presence = Presence::default();
    // Per command: the revisions (indices into `with`) that have it.
    let mut present: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
    for (at, (_, revision)) in with.iter().enumerate() {
        let types = &revision.spec.types;
        let mut within = Vec::new();
        for command in &revision.spec.commands {
            present.entry(&command.name).or_default().push(at);
            if let Some(ty) = command.arguments {
                presence.walk(
                    types,
                    ty,
                    &format!("{}.arguments", command.name),
                    at,
                    &mut within,
                );
            }
            if let Some(ty) = command.returns {
                presence.walk(
                    types,
                    ty,
                    &format!("{}.return", command.name),
                    at,
                    &mut within,
                );
            }
        }
    }
    let mut commands = Vec::with_capacity(present.len());
    for (name, at) in present {
        let Some(&newest) = at.last() else { continue };
        let (table, revision) = with[newest];
        let Some(command) = revision.spec.commands.iter().find(|c| c.name == name) else {
            continue;
        };
        let types = &revision.spec.types;
        let history =
            |owner: Option<&str>, path: &[&str]| presence.history(&names, name, owner, path);
        shapes.way = Ways::SENT;
        let arguments = match command.arguments {
            None => Arguments::None,
            Some(ty) => match &types.get(ty).kind {
                TypeKind::Object { members, .. } => {
                    let mut path = vec!["arguments"];
                    let owner = types.get(ty).name.as_deref();
                    Arguments::Fields(
                        shapes.members(table, members, name, owner, &mut path, &history),
                    )
                }
                _ => Arguments::Boxed(shapes.type_of(
                    (table, ty),
                    ("arguments", ""),
                    name,
                    &mut vec!["arguments"],
                    &history,
                )),
            },
        };
        shapes.way = Ways::RECEIVED;
        let returns = command.returns.map(|ty| {
            shapes.type_of(
                (table, ty),
                ("return", ""),
                name,
                &mut vec!["return"],
                &history,
            )
        });
        commands.push(CommandType {
            name,
            // Named with the module's types (`Shapes::finish`).
            type_name: String::new(),
            command,
            introduced: names[at[0]],
            last: (newest + 1 < names.len()).then(|| names[newest]),
            present_in: at.iter().map(|&i| names[i]).collect(),
            arguments,
            returns,
        });
    }
    commands
}

/// The items the crate's `commands` module defines itself, which no
/// command or type may take.
pub const COMMAND_ITEMS: &[&str] = &[
    "Command",
    "CommandKind",
    "Request",
    "Return",
    "Empty",
    "Error",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
];

impl<'a> Catalog<'a> {
    /// The types events reach (commands may share them).
    pub fn event_objects(&self) -> &[ObjectType<'a>] {
        &self.objects[..self.command_types.objects]
    }

    pub fn event_enums(&self) -> &[EnumType<'a>] {
        &self.enums[..self.command_types.enums]
    }

    pub fn event_unions(&self) -> &[UnionType<'a>] {
        &self.unions[..self.command_types.unions]
    }

    pub fn event_alternates(&self) -> &[AlternateType<'a>] {
        &self.alternates[..self.command_types.alternates]
    }

    /// Whether a type is one only commands reach (defined in the crate's
    /// `commands` module).
    pub fn is_command_type(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Object(i) => *i >= self.command_types.objects,
            TypeRef::Enum(i) => *i >= self.command_types.enums,
            TypeRef::Union(i) => *i >= self.command_types.unions,
            TypeRef::Alternate(i) => *i >= self.command_types.alternates,
            _ => false,
        }
    }
}

impl Catalog<'_> {
    /// Whether data of this kind can derive `Eq`: no floating-point number
    /// anywhere in it.
    pub fn is_eq(&self, data: &EventData<'_>) -> bool {
        match data {
            EventData::Fields(members) => self.members_eq(members),
            EventData::None | EventData::External { .. } => true,
        }
    }

    /// Whether an object of these members can derive `Eq`.
    pub fn members_eq(&self, members: &[Member<'_>]) -> bool {
        members.iter().all(|m| self.type_eq(&m.ty))
    }

    /// Whether a type can derive `Eq`.
    pub fn type_eq(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Number => false,
            TypeRef::Object(index) => self.members_eq(&self.objects[*index].members),
            TypeRef::Array(Some(items)) => self.type_eq(items),
            TypeRef::Union(index) => self.variants_eq(&self.unions[*index].variants),
            TypeRef::Alternate(index) => self.variants_eq(&self.alternates[*index].variants),
            _ => true,
        }
    }

    /// Whether a union or alternate of these branches can derive `Eq`.
    pub fn variants_eq(&self, variants: &[(&str, TypeRef)]) -> bool {
        variants.iter().all(|(_, ty)| self.type_eq(ty))
    }
}

/// Nested objects, enumerations, unions and alternates met so far, by
/// shape.
#[derive(Default)]
struct Shapes<'a> {
    /// Each revision's table of types.
    tables: Vec<&'a Types>,
    /// The described QAPI types, by name: where they are.
    named: HashMap<&'a str, Place>,
    objects: Vec<Shape<'a, Vec<Member<'a>>>>,
    object_index: BTreeMap<ObjectKey<'a>, usize>,
    enums: Vec<Shape<'a, &'a [EnumValue]>>,
    enum_index: BTreeMap<EnumKey<'a>, usize>,
    unions: Vec<Shape<'a, (&'a str, Variants<'a>)>>,
    union_index: BTreeMap<VariantsKey<'a>, usize>,
    alternates: Vec<Shape<'a, Variants<'a>>>,
    alternate_index: BTreeMap<VariantsKey<'a>, usize>,
    /// The named types being walked: a reference to one of them inside
    /// itself stays a reference.
    resolving: Vec<Place>,
    /// Where each enumeration is used: each event and member path.
    enum_uses: Vec<Vec<(&'a str, Vec<&'a str>)>>,
    /// Since and until of each member met, by event and dotted path.
    member_histories: BTreeMap<(&'a str, String), (&'a str, Option<&'a str>)>,
    /// Once commands are typed: where their types start. A shape before
    /// is an event's, and keeps its users, names and histories.
    frozen: Firsts,
    typing_commands: bool,
    /// The way the types being walked travel.
    way: Ways,
    /// Since and until of each command's arguments and return members.
    command_members: BTreeMap<(&'a str, String), (&'a str, Option<&'a str>)>,
}

/// A union's or alternate's branches: each name with its type.
type Variants<'a> = Vec<(&'a str, TypeRef)>;

/// What makes two objects the same type: their members' names, types and
/// whether they are required, in order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ObjectKey<'a>(Vec<(&'a str, TypeRef, bool)>);

/// What makes two enumerations the same type: their values and meanings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct EnumKey<'a>(Vec<(&'a str, Option<&'a str>)>);

/// What makes two unions or alternates the same: the discriminator (none
/// for an alternate) and the branches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct VariantsKey<'a>(Option<&'a str>, Vec<(&'a str, TypeRef)>);

/// A shape before it is named: what it holds, the events that use it, the
/// member names it is met under (first first), the first one's description
/// and its QAPI name.
struct Shape<'a, T> {
    content: T,
    ways: Ways,
    users: Vec<&'a str>,
    fields: Vec<&'a str>,
    description: &'a str,
    qapi_name: Option<&'a str>,
}

/// A type: which revision's table, and its id there.
type Place = (usize, TypeId);

/// A member's history, by the named type that holds it (none for an
/// object spelled in place) and its path from the event's data or the
/// command's arguments or return.
type History<'h, 'a> = &'h dyn Fn(Option<&str>, &[&str]) -> MemberHistory<'a>;

impl<'a> Shapes<'a> {
    fn members(
        &mut self,
        table: usize,
        members: &'a [qmp_spec::types::Member],
        event: &'a str,
        owner: Option<&'a str>,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> Vec<Member<'a>> {
        members
            .iter()
            .map(|declared| {
                path.push(&declared.name);
                let at = (&*declared.name, &*declared.description);
                let ty = self.type_of((table, declared.ty), at, event, path, history);
                let found = history(owner, path);
                if !self.typing_commands {
                    self.member_histories
                        .entry((event, path.join(".")))
                        .or_insert((found.introduced, found.dropped_after));
                } else if path.len() == 2 {
                    // A command's argument or return member, by
                    // `arguments.NAME` or `return.NAME`.
                    self.command_members
                        .entry((event, path.join(".")))
                        .or_insert((found.introduced, found.dropped_after));
                }
                let ty = match ty {
                    TypeRef::Number if found.integral => TypeRef::IntegralNumber,
                    ty => ty,
                };
                let member = Member {
                    declared,
                    ty,
                    introduced: found.introduced,
                    dropped_after: found.dropped_after,
                    required: found.required,
                };
                path.pop();
                member
            })
            .collect()
    }

    /// The type at `place`, met as a member named `at.0` described as
    /// `at.1` (for an array's elements, the array's name).
    fn type_of(
        &mut self,
        place: Place,
        at: (&'a str, &'a str),
        event: &'a str,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> TypeRef {
        let def = self.tables[place.0].get(place.1);
        let Some(name) = def.name.as_deref() else {
            return self.kind_of(place, at, event, path, history);
        };
        if matches!(def.kind, TypeKind::Scalar { .. } | TypeKind::Enum { .. }) {
            return self.kind_of(place, at, event, path, history);
        }
        if let TypeKind::External = def.kind {
            // A reference to a type the history describes elsewhere.
            return match self.named.get(name).copied() {
                Some(described) if !self.resolving.contains(&described) => {
                    self.type_of(described, at, event, path, history)
                }
                _ => TypeRef::External(name.to_string()),
            };
        }
        if self.resolving.contains(&place) {
            // A type within itself stays a reference (JSON).
            return TypeRef::External(name.to_string());
        }
        self.resolving.push(place);
        let ty = self.kind_of(place, at, event, path, history);
        self.resolving.pop();
        ty
    }

    /// The type at `place`, by its kind.
    fn kind_of(
        &mut self,
        place: Place,
        (name, description): (&'a str, &'a str),
        event: &'a str,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> TypeRef {
        let types = self.tables[place.0];
        let def = types.get(place.1);
        let at = Meta {
            name,
            description,
            qapi_name: def.name.as_deref(),
            event,
        };
        match &def.kind {
            TypeKind::Enum { values } => TypeRef::Enum(self.enumeration(values, at, path)),
            TypeKind::Scalar { scalar } => match scalar {
                Scalar::String => TypeRef::String,
                Scalar::Int => TypeRef::Int,
                Scalar::Number => TypeRef::Number,
                Scalar::Bool => TypeRef::Bool,
                Scalar::Value => TypeRef::Value,
                Scalar::Null => TypeRef::Null,
                Scalar::Int8 => TypeRef::Sized(Sized::I8),
                Scalar::Int16 => TypeRef::Sized(Sized::I16),
                Scalar::Int32 => TypeRef::Sized(Sized::I32),
                Scalar::Int64 => TypeRef::Sized(Sized::I64),
                Scalar::Uint8 => TypeRef::Sized(Sized::U8),
                Scalar::Uint16 => TypeRef::Sized(Sized::U16),
                Scalar::Uint32 => TypeRef::Sized(Sized::U32),
                Scalar::Uint64 => TypeRef::Sized(Sized::U64),
                Scalar::Size => TypeRef::Sized(Sized::Size),
            },
            TypeKind::Array { items } => TypeRef::Array(items.map(|items| {
                Box::new(self.type_of((place.0, items), (name, ""), event, path, history))
            })),
            TypeKind::External => TypeRef::External(def.name.clone().unwrap_or_default()),
            TypeKind::Object { members, .. } if members.is_empty() => TypeRef::Value,
            TypeKind::Object { members, .. } => {
                let owner = def.name.as_deref();
                let members = self.members(place.0, members, event, owner, path, history);
                TypeRef::Object(self.object(members, at))
            }
            TypeKind::Union {
                tag,
                members,
                branches,
                ..
            } => TypeRef::Union(self.union(place.0, (tag, members, branches), at, path, history)),
            TypeKind::Alternate { branches } => {
                TypeRef::Alternate(self.alternate(place.0, branches, at, path, history))
            }
        }
    }

    /// An enumeration's shape, with `at`'s event and `path` as one of its
    /// uses.
    fn enumeration(&mut self, values: &'a [EnumValue], at: Meta<'a>, path: &[&'a str]) -> usize {
        let event = at.event;
        let key = EnumKey(
            values
                .iter()
                .map(|v| (v.value.as_str(), v.meaning.as_deref()))
                .collect(),
        );
        let frozen = self.frozen.enums;
        let index = add(
            &mut self.enums,
            &mut self.enum_index,
            key,
            values,
            at,
            frozen,
            self.way,
        );
        if index < frozen {
            return index;
        }
        if self.enum_uses.len() <= index {
            self.enum_uses.resize_with(index + 1, Vec::new);
        }
        if !self.enum_uses[index]
            .iter()
            .any(|(e, p)| *e == event && p == path)
        {
            self.enum_uses[index].push((event, path.to_vec()));
        }
        index
    }

    /// A union's shape: each branch an object of the union's common
    /// members (but the tag) and the branch's own, in `table`.
    fn union(
        &mut self,
        table: usize,
        (tag, members, branches): (&'a str, &'a [qmp_spec::types::Member], &'a [Branch]),
        at: Meta<'a>,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> usize {
        let (types, event) = (self.tables[table], at.event);
        let union_name = at.qapi_name;
        let common: Vec<&'a qmp_spec::types::Member> =
            members.iter().filter(|m| m.name != tag).collect();
        let variants: Vec<(&'a str, TypeRef)> = branches
            .iter()
            .map(|branch| {
                path.push(&branch.name);
                let mut members = Vec::new();
                for common in &common {
                    let common = std::slice::from_ref(*common);
                    members.extend(self.members(table, common, event, union_name, path, history));
                }
                let own = match types.get(branch.ty).kind {
                    TypeKind::Object { .. } => types.members(branch.ty),
                    _ => &[],
                };
                let owner = types.get(branch.ty).name.as_deref();
                members.extend(self.members(table, own, event, owner, path, history));
                path.pop();
                let meta = Meta {
                    name: &branch.name,
                    description: &branch.description,
                    // Only the branch's own members: its QAPI type.
                    qapi_name: types
                        .get(branch.ty)
                        .name
                        .as_deref()
                        .filter(|_| common.is_empty()),
                    event,
                };
                (
                    branch.name.as_str(),
                    TypeRef::Object(self.object(members, meta)),
                )
            })
            .collect();
        let variants = if self.typing_commands {
            self.implicit_branches(table, (tag, members), &common, variants, at, path, history)
        } else {
            variants
        };
        let key = VariantsKey(Some(tag), variants.clone());
        add(
            &mut self.unions,
            &mut self.union_index,
            key,
            (tag, variants),
            at,
            self.frozen.unions,
            self.way,
        )
    }

    /// A command's union with a branch for every value of its tag, in the
    /// tag's order: QAPI gives a value it lists no branch for the common
    /// members alone (`query-cpus-fast` on x86 answers `CpuInfoFast` with
    /// no branch of its own). The events' unions keep their branches as
    /// they are.
    #[allow(clippy::too_many_arguments)]
    fn implicit_branches(
        &mut self,
        table: usize,
        (tag, members): (&'a str, &'a [qmp_spec::types::Member]),
        common: &[&'a qmp_spec::types::Member],
        listed: Vec<(&'a str, TypeRef)>,
        at: Meta<'a>,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> Vec<(&'a str, TypeRef)> {
        let types = self.tables[table];
        let values = members
            .iter()
            .find(|m| m.name == tag)
            .map(|m| &types.get(m.ty).kind);
        let Some(TypeKind::Enum { values }) = values else {
            return listed;
        };
        let mut base = None;
        values
            .iter()
            .map(|value| {
                let name = value.value.as_str();
                if let Some(branch) = listed.iter().find(|(b, _)| *b == name) {
                    return branch.clone();
                }
                let ty = base.get_or_insert_with(|| {
                    let mut own = Vec::new();
                    for common in common {
                        let common = std::slice::from_ref(*common);
                        own.extend(self.members(
                            table,
                            common,
                            at.event,
                            at.qapi_name,
                            path,
                            history,
                        ));
                    }
                    let meta = Meta {
                        name: "base",
                        description: "",
                        qapi_name: None,
                        event: at.event,
                    };
                    TypeRef::Object(self.object(own, meta))
                });
                (name, ty.clone())
            })
            .collect()
    }

    /// An alternate's shape: each branch's type, in `table`.
    fn alternate(
        &mut self,
        table: usize,
        branches: &'a [Branch],
        at: Meta<'a>,
        path: &mut Vec<&'a str>,
        history: History<'_, 'a>,
    ) -> usize {
        let variants: Vec<(&'a str, TypeRef)> = branches
            .iter()
            .map(|branch| {
                let place = (table, branch.ty);
                let met = (&*branch.name, &*branch.description);
                let ty = self.type_of(place, met, at.event, path, history);
                (branch.name.as_str(), ty)
            })
            .collect();
        let key = VariantsKey(None, variants.clone());
        add(
            &mut self.alternates,
            &mut self.alternate_index,
            key,
            variants,
            at,
            self.frozen.alternates,
            self.way,
        )
    }

    fn object(&mut self, members: Vec<Member<'a>>, at: Meta<'a>) -> usize {
        let key = ObjectKey(
            members
                .iter()
                .map(|m| (m.declared.name.as_str(), m.ty.clone(), m.required))
                .collect(),
        );
        let frozen = self.frozen.objects;
        add(
            &mut self.objects,
            &mut self.object_index,
            key,
            members,
            at,
            frozen,
            self.way,
        )
    }

    /// Names every shape: after its QAPI type where it is one, else after
    /// what its users have in common and the members it is met under
    /// (`VncServer`; `SpiceServerOrClient` for the shape both SPICE members
    /// share), unique among the crate's types.
    fn finish(
        mut self,
        events: Vec<EventType<'a>>,
        mut commands: Vec<CommandType<'a>>,
    ) -> Catalog<'a> {
        let mut namer = Namer {
            types: Scope::with_reserved(RESERVED_TYPES),
        };
        for event in &events {
            namer.types.claim_exact(data_type_name(event), Case::Pascal);
        }
        let ends = Firsts {
            objects: self.objects.len(),
            enums: self.enums.len(),
            unions: self.unions.len(),
            alternates: self.alternates.len(),
        };
        let frozen = if self.typing_commands {
            self.frozen
        } else {
            ends
        };
        let mut names = Names::default();
        self.name_range(&mut namer, Firsts::default(), frozen, &mut names);
        // The `commands` module's own names: its items, the commands, then
        // the types only commands reach. Every name of the crate's is taken
        // there too, so that nothing the module defines hides one.
        let mut module = Namer {
            types: Scope::with_reserved(COMMAND_ITEMS),
        };
        for name in RESERVED_TYPES
            .iter()
            .map(|n| n.to_string())
            .chain(events.iter().map(data_type_name))
            .chain(names.all())
        {
            module.types.claim_exact(name, Case::Pascal);
        }
        for command in &mut commands {
            command.type_name = module.types.claim(command.name, Case::Pascal);
        }
        self.name_range(&mut module, frozen, ends, &mut names);
        let objects = self
            .objects
            .into_iter()
            .zip(names.objects)
            .map(|(shape, name)| ObjectType {
                name,
                ways: shape.ways,
                members: shape.content,
                users: shape.users,
                description: shape.description,
                qapi_name: shape.qapi_name,
            })
            .collect();
        let mut enum_uses = self.enum_uses;
        enum_uses.resize_with(self.enums.len(), Vec::new);
        let enums = self
            .enums
            .into_iter()
            .zip(names.enums)
            .zip(enum_uses)
            .map(|((shape, name), uses)| EnumType {
                name,
                ways: shape.ways,
                values: shape.content,
                users: shape.users,
                qapi_name: shape.qapi_name,
                value_history: Vec::new(),
                uses,
            })
            .collect();
        let unions = self
            .unions
            .into_iter()
            .zip(names.unions)
            .map(|(shape, name)| UnionType {
                name,
                ways: shape.ways,
                discriminator: shape.content.0,
                variants: shape.content.1,
                users: shape.users,
                description: shape.description,
                qapi_name: shape.qapi_name,
            })
            .collect();
        let alternates = self
            .alternates
            .into_iter()
            .zip(names.alternates)
            .map(|(shape, name)| AlternateType {
                name,
                ways: shape.ways,
                variants: shape.content,
                users: shape.users,
                description: shape.description,
                qapi_name: shape.qapi_name,
            })
            .collect();
        Catalog {
            events,
            objects,
            enums,
            unions,
            alternates,
            member_histories: self.member_histories,
            command_members: self.command_members,
            commands,
            command_types: frozen,
        }
    }

    /// Names the shapes from `from` to `to` of each kind, in `namer`: QAPI
    /// names first, so a shape named after its users never takes one.
    fn name_range(&mut self, namer: &mut Namer, from: Firsts, to: Firsts, names: &mut Names) {
        let objects = namer.claim_qapi(&self.objects[from.objects..to.objects]);
        let enums = namer.claim_qapi(&self.enums[from.enums..to.enums]);
        let unions = namer.claim_qapi(&self.unions[from.unions..to.unions]);
        let alternates = namer.claim_qapi(&self.alternates[from.alternates..to.alternates]);
        for (shape, claimed) in self.objects[from.objects..to.objects]
            .iter_mut()
            .zip(objects)
        {
            names.objects.push(namer.name(claimed, shape));
        }
        for (shape, claimed) in self.enums[from.enums..to.enums].iter_mut().zip(enums) {
            names.enums.push(namer.name(claimed, shape));
        }
        for (shape, claimed) in self.unions[from.unions..to.unions].iter_mut().zip(unions) {
            names.unions.push(namer.name(claimed, shape));
        }
        let alternates_range = from.alternates..to.alternates;
        for (shape, claimed) in self.alternates[alternates_range].iter_mut().zip(alternates) {
            names.alternates.push(namer.name(claimed, shape));
        }
    }
}

/// The shapes' names, by kind, in order.
#[derive(Default)]
struct Names {
    objects: Vec<String>,
    enums: Vec<String>,
    unions: Vec<String>,
    alternates: Vec<String>,
}

impl Names {
    fn all(&self) -> impl Iterator<Item = String> + '_ {
        self.objects
            .iter()
            .chain(&self.enums)
            .chain(&self.unions)
            .chain(&self.alternates)
            .cloned()
    }
}

/// Names the shapes, unique among the crate's types.
struct Namer {
    types: Scope,
}

impl Namer {
    /// The QAPI name of each shape that has one, claimed. QAPI names are
    /// CamelCase already (`ACPIOSTInfo`): kept as QEMU spells them where
    /// Rust can. A QAPI name another shape has taken (the same QAPI type as
    /// another command or an event has it over its own releases) is
    /// prefixed with its first user's name (`BlockdevReopenBlockdevOptions`).
    fn claim_qapi<T>(&mut self, shapes: &[Shape<'_, T>]) -> Vec<Option<String>> {
        shapes
            .iter()
            .map(|shape| {
                shape.qapi_name.map(|q| {
                    let ident = q.starts_with(|c: char| c.is_ascii_uppercase())
                        && q.chars().all(|c| c.is_ascii_alphanumeric());
                    let plain = if ident {
                        q.to_string()
                    } else {
                        sanitize(q, Case::Pascal)
                    };
                    if self.types.contains(&plain)
                        && let Some(user) = shape.users.iter().min()
                    {
                        let prefixed = sanitize(user, Case::Pascal) + &plain;
                        if !self.types.contains(&prefixed) {
                            return self.types.claim_exact(prefixed, Case::Pascal);
                        }
                    }
                    self.types.claim_exact(plain, Case::Pascal)
                })
            })
            .collect()
    }

    /// A shape's name: its QAPI name, claimed already, else after what its
    /// users have in common and the members it is met under. Its users
    /// end sorted, once each.
    fn name<T>(&mut self, claimed: Option<String>, shape: &mut Shape<'_, T>) -> String {
        let users = &mut shape.users;
        users.sort_unstable();
        users.dedup();
        if let Some(name) = claimed {
            return name;
        }
        // One user: named after it; several: after what they share.
        let prefix = if users.len() == 1 {
            users[0].to_string()
        } else {
            common_prefix(users)
        };
        let what = shape
            .fields
            .iter()
            .map(|f| sanitize(f, Case::Pascal))
            .collect::<Vec<_>>()
            .join("Or");
        let candidate = match prefix.as_str() {
            "" => what.clone(),
            prefix => sanitize(prefix, Case::Pascal) + &what,
        };
        if self.types.contains(&candidate) {
            // Another shape under the same members: named after its first
            // user's full name.
            let full = sanitize(users[0], Case::Pascal) + &what;
            self.types.claim_exact(full, Case::Pascal)
        } else {
            self.types.claim_exact(candidate, Case::Pascal)
        }
    }
}

/// Where a shape is met: under which member name, its description, its
/// QAPI name, in which event.
#[derive(Clone, Copy)]
struct Meta<'a> {
    name: &'a str,
    description: &'a str,
    qapi_name: Option<&'a str>,
    event: &'a str,
}

/// The index of the shape with `key`, added if new, with `at.event` as a
/// user; a shape before `frozen` (an event's, met by a command) is left as
/// it is.
#[allow(clippy::too_many_arguments)]
fn add<'a, K: Ord, T>(
    shapes: &mut Vec<Shape<'a, T>>,
    index: &mut BTreeMap<K, usize>,
    key: K,
    content: T,
    at: Meta<'a>,
    frozen: usize,
    way: Ways,
) -> usize {
    let position = *index.entry(key).or_insert_with(|| {
        shapes.push(Shape {
            content,
            ways: Ways::default(),
            users: Vec::new(),
            fields: Vec::new(),
            description: at.description,
            qapi_name: at.qapi_name,
        });
        shapes.len() - 1
    });
    if position < frozen {
        return position;
    }
    let shape = &mut shapes[position];
    shape.ways.sent |= way.sent;
    shape.ways.received |= way.received;
    shape.users.push(at.event);
    if !shape.fields.contains(&at.name) {
        shape.fields.push(at.name);
    }
    shape.qapi_name = shape.qapi_name.or(at.qapi_name);
    position
}

/// The name of an event's data struct: `BlockIoErrorData`.
pub fn data_type_name(event: &EventType<'_>) -> String {
    format!("{}Data", event.type_name)
}

/// The words (split at '_') that all names start with: `VNC` for
/// `VNC_CONNECTED` and `VNC_INITIALIZED`.
fn common_prefix(names: &[&str]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| n.split('_').collect()).collect();
    let mut prefix = Vec::new();
    if let Some(first) = split.first() {
        for (i, word) in first.iter().enumerate() {
            // A prefix never takes a whole name: that would name the shape
            // after one event's data.
            if split
                .iter()
                .all(|words| words.len() > i + 1 && words[i] == *word)
            {
                prefix.push(*word);
            } else {
                break;
            }
        }
    }
    prefix.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use qmp_spec::history::RevisionId;

    /// A spec text of one section per `(name, fields, example data)`.
    fn spec(sections: &[(&str, &str, &str)]) -> qmp_spec::Spec {
        let mut text = String::from("QEMU Monitor Protocol Events\n============================\n");
        for (name, fields, data) in sections {
            text.push_str(&format!(
                "\n{name}\n{}\n\nAn event.\n\nData:\n\n{fields}\n\nExample:\n\n\
                 {{ \"event\": \"{name}\", \"data\": {data},\n  \
                 \"timestamp\": {{ \"seconds\": 1, \"microseconds\": 2 }} }}\n",
                "-".repeat(name.len())
            ));
        }
        qmp_spec::parse("test", &text).unwrap_or_else(|err| panic!("{err}\n{text}"))
    }

    fn catalog_of(specs: &[(RevisionId, qmp_spec::Spec)]) -> Vec<Revision<'_>> {
        specs
            .iter()
            .map(|(id, spec)| Revision::alone(id, spec))
            .collect()
    }

    #[test]
    fn a_member_is_required_only_where_every_revision_requires_it() {
        let specs = [
            (
                RevisionId::text("a"),
                spec(&[("EVENT", "- \"x\": x (json-string)", "{ \"x\": \"1\" }")]),
            ),
            (
                RevisionId::text("b"),
                spec(&[(
                    "EVENT",
                    "- \"x\": x (json-string)\n- \"y\": y (json-int)",
                    "{ \"x\": \"1\", \"y\": 2 }",
                )]),
            ),
            (
                RevisionId::text("c"),
                spec(&[("EVENT", "- \"y\": y (json-int)", "{ \"y\": 2 }")]),
            ),
        ];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let EventData::Fields(members) = &catalog.events[0].data else {
            panic!("fields")
        };
        // The newest revision's members: `y` only, sent since `b`.
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].introduced, "b");
        assert!(!members[0].required, "a revision without it");
        let sections: Vec<(&str, &Section, &Types)> = revisions
            .iter()
            .map(|r| (r.name(), r.spec.events().next().unwrap().1, &r.spec.types))
            .collect();
        let x = member_history(&sections, &["x"], "a");
        assert_eq!(
            (x.introduced, x.dropped_after, x.required),
            ("a", Some("b"), false)
        );
        let y = member_history(&sections, &["y"], "a");
        assert_eq!((y.introduced, y.dropped_after), ("b", None));
        assert!(y.integral);
    }

    #[test]
    fn data_absent_in_some_revision_is_optional() {
        let none = "QEMU Monitor Protocol Events\n============================\n\n\
                    EVENT\n-----\n\nAn event.\n\nData: None.\n";
        let specs = [
            (RevisionId::text("a"), qmp_spec::parse("a", none).unwrap()),
            (
                RevisionId::text("b"),
                spec(&[("EVENT", "- \"x\": x (json-int)", "{ \"x\": 1 }")]),
            ),
        ];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        assert_eq!(catalog.events[0].dataless_in, ["a"]);
        let rust =
            crate::rust::generate(&catalog, &revisions, crate::version::Version::FIRST).unwrap();
        let events = rust.iter().find(|f| f.path == "src/events.rs").unwrap();
        assert!(
            events.contents.contains("Event(Option<Box<EventData>>)"),
            "{}",
            events.contents
        );
        assert!(
            events
                .contents
                .contains("EventKind::Event => Some(Self::Event(None))")
        );
    }

    #[test]
    fn numbers_whose_examples_are_integers_are_integers() {
        let specs = [(
            RevisionId::text("a"),
            spec(&[
                ("INT", "- \"n\": n (json-number)", "{ \"n\": 3 }"),
                ("FLOAT", "- \"n\": n (json-number)", "{ \"n\": 0.5 }"),
            ]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let types: Vec<(&str, TypeRef)> = catalog
            .events
            .iter()
            .map(|e| match &e.data {
                EventData::Fields(members) => (e.name, members[0].ty.clone()),
                _ => panic!("fields"),
            })
            .collect();
        assert_eq!(
            types,
            [("FLOAT", TypeRef::Number), ("INT", TypeRef::IntegralNumber)]
        );
        assert!(!catalog.is_eq(&catalog.events[0].data));
        assert!(catalog.is_eq(&catalog.events[1].data));
    }

    #[test]
    fn shapes_are_shared_and_named_for_the_members_they_are_met_under() {
        let object = "- \"server\": server (json-object)\n  - \"host\": host (json-string)\n\
                      - \"client\": client (json-object)\n  - \"host\": host (json-string)";
        let data = "{ \"server\": { \"host\": \"a\" }, \"client\": { \"host\": \"b\" } }";
        let specs = [(
            RevisionId::text("a"),
            spec(&[("NET_UP", object, data), ("NET_DOWN", object, data)]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let names: Vec<&str> = catalog.objects.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["NetServerOrClient"]);
        assert_eq!(catalog.objects[0].users, ["NET_DOWN", "NET_UP"]);
    }

    #[test]
    fn names_never_clash_with_the_crates_own() {
        let specs = [(
            RevisionId::text("a"),
            spec(&[
                (
                    "MESSAGE",
                    "- \"type\": t (json-string, \"a\" or \"b\")",
                    "{ \"type\": \"a\" }",
                ),
                ("EVENT_KIND", "- \"x\": x (json-int)", "{ \"x\": 1 }"),
            ]),
        )];
        let revisions = catalog_of(&specs);
        let catalog = Catalog::new(&revisions);
        let variants: Vec<&str> = catalog
            .events
            .iter()
            .map(|e| e.type_name.as_str())
            .collect();
        // Variants live in `Event`'s namespace; data structs are `...Data`.
        assert_eq!(variants, ["EventKind", "Message"]);
        assert_eq!(data_type_name(&catalog.events[1]), "MessageData");
        assert_eq!(catalog.enums[0].name, "MessageType");
    }

    /// QAPI unions, alternates, arrays, sized integers and a type within
    /// itself, through the catalog to Rust and JSON Schema.
    #[test]
    fn qapi_types_reach_rust_and_the_schemas() {
        let schema = qmp_spec::qapi::read_text(
            "s.json",
            b"{ 'struct': 'Node', 'data': { '*next': 'Node', 'size': 'size' } }
{ 'struct': 'Inet', 'data': { 'host': 'str', '*to': 'uint16' } }
{ 'struct': 'Path', 'data': { 'path': 'str' } }
{ 'enum': 'Kind', 'data': [ 'inet', 'unix' ] }
{ 'union': 'Address', 'base': { 'type': 'Kind' }, 'discriminator': 'type',
  'data': { 'inet': 'Inet', 'unix': 'Path' } }
{ 'alternate': 'Limit', 'data': { 'number': 'int', 'name': 'str' } }
{ 'event': 'E', 'data': { 'nodes': [ 'Node' ], 'addr': 'Address', '*limit': 'Limit',
  'small': 'int8', 'ratio': 'number' } }",
        )
        .expect("reads");
        let spec = schema.to_spec("s").expect("converts");
        let id = RevisionId::alone("r", qmp_spec::history::Era::Schema);
        let revisions = [Revision::alone(&id, &spec)];
        let catalog = Catalog::new(&revisions);
        let names = |list: Vec<&str>| list.join(",");
        assert_eq!(
            names(catalog.objects.iter().map(|o| o.name.as_str()).collect()),
            "Node,Inet,Path"
        );
        assert_eq!(catalog.unions[0].name, "Address");
        assert_eq!(catalog.unions[0].discriminator, "type");
        assert_eq!(catalog.alternates[0].name, "Limit");
        let EventData::Fields(members) = &catalog.events[0].data else {
            panic!("fields")
        };
        let types: Vec<&TypeRef> = members.iter().map(|m| &m.ty).collect();
        assert_eq!(
            types,
            [
                &TypeRef::Array(Some(Box::new(TypeRef::Object(0)))),
                &TypeRef::Union(0),
                &TypeRef::Alternate(0),
                &TypeRef::Sized(Sized::I8),
                &TypeRef::Number,
            ]
        );
        // A float inside: no `Eq` for the data, `Eq` for the union.
        assert!(!catalog.is_eq(&catalog.events[0].data));
        assert!(catalog.type_eq(&TypeRef::Union(0)));
        let rust =
            crate::rust::generate(&catalog, &revisions, crate::version::Version::FIRST).unwrap();
        let types = &rust
            .iter()
            .find(|f| f.path == "src/types.rs")
            .unwrap()
            .contents;
        for expected in [
            "pub enum Address {",
            "Inet(Inet),",
            "Unix(Path),",
            "Unknown(serde_json::Value),",
            "super::runtime::union_text(deserializer, \"type\")",
            "None => return Err(serde::de::Error::missing_field(\"type\")),",
            "#[serde(untagged)]",
            "pub enum Limit {",
            "Number(i64),",
            "Name(String),",
            "pub next: Option<serde_json::Value>,",
            "pub size: u64,",
        ] {
            assert!(types.contains(expected), "{expected}\n{types}");
        }
        let data = &rust
            .iter()
            .find(|f| f.path == "src/data.rs")
            .unwrap()
            .contents;
        assert!(data.contains("pub nodes: Vec<Node>,"), "{data}");
        assert!(data.contains("pub small: i8,"), "{data}");
        let bundle = crate::schema::bundle("r", &spec);
        let defs = &bundle["$defs"];
        assert_eq!(defs["Limit"]["anyOf"].as_array().map(Vec::len), Some(2));
        assert_eq!(defs["Address"]["required"], serde_json::json!(["type"]));
        assert_eq!(defs["Address"]["allOf"][0]["then"]["$ref"], "#/$defs/Inet");
        assert_eq!(defs["Inet"]["properties"]["to"]["maximum"], 65535);
        assert_eq!(defs["EData"]["properties"]["small"]["minimum"], -128);
    }
}
