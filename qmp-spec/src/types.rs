//! The table of types a revision's events refer to: each type once, with a
//! stable id ([`TypeId`], its place in the table) and a sum type for its
//! kind ([`TypeKind`]), as typify's `TypeSpace` holds them. A member, an
//! array's elements and a branch refer to their type by id, so a type used
//! in many places (a QAPI struct, a union every `blockdev-*` command
//! reaches) is described once, and a type that contains itself is a cycle
//! of ids, not an unending spelling.
//!
//! A walk over the table that follows ids keeps a visited set (or the stack
//! of types it is inside), so its work stays linear in the table.

use serde::{Deserialize, Serialize};

use crate::model::{Condition, EnumValue, Feature, Span, TypeSource};

/// A type's place in its revision's [`Types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TypeId(u32);

impl TypeId {
    /// The id's place in the table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Every type of a revision, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Types {
    defs: Vec<TypeDef>,
}

/// One type: its QAPI (or wire) name when it has one, its kind, and what
/// the document says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: TypeKind,
    /// The definition's documentation (QAPI era), whitespace-normalized.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Its documentation's `Since:`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The `if` that decides which builds have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
}

/// What a type is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TypeKind {
    /// A JSON scalar (an integer of its width), or any JSON value.
    Scalar { scalar: Scalar },
    /// A string of listed values.
    Enum { values: Vec<EnumValue> },
    /// An array: of its elements' type, or of values the document does not
    /// describe.
    Array {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<TypeId>,
    },
    /// An object: every member on the wire, the base's first.
    Object {
        members: Vec<Member>,
        /// The QAPI struct the members start with.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<TypeId>,
    },
    /// A union: common members (`members`, the tag among them, the
    /// base's), and a branch per tag value, holding the branch's own
    /// members.
    Union {
        tag: String,
        members: Vec<Member>,
        /// The QAPI struct the common members are.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<TypeId>,
        branches: Vec<Branch>,
    },
    /// One of several types (`branches`), told apart by JSON type.
    Alternate { branches: Vec<Branch> },
    /// A type named (`TypeDef::name`) but not described in the document.
    External,
}

/// The JSON scalars, and the QAPI era's sized integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scalar {
    String,
    Int,
    Number,
    Bool,
    /// Any JSON value (`json-value`, QAPI's `any`).
    Value,
    /// JSON `null`.
    Null,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    /// A byte count (unsigned 64 bits).
    Size,
}

/// A member of an object or union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeId,
    /// Where the type came from: the member's own text, or its section's
    /// examples.
    pub type_source: TypeSource,
    pub optional: bool,
    pub description: String,
    pub span: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Feature>,
}

/// A union's branch (named by the tag's value) or an alternate's (named by
/// the branch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeId,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub span: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

impl Types {
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// The type with id `id`. Ids come from this table: one from another
    /// table is a bug of the caller.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.index()]
    }

    /// Every type with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.defs
            .iter()
            .enumerate()
            .map(|(i, def)| (TypeId(i as u32), def))
    }

    /// Adds a type; its id.
    pub fn add(&mut self, def: TypeDef) -> TypeId {
        self.defs.push(def);
        TypeId((self.defs.len() - 1) as u32)
    }

    /// Replaces the type at `id` (one added as a placeholder, to be
    /// described once its members, which may refer to it, are).
    pub fn set(&mut self, id: TypeId, def: TypeDef) {
        self.defs[id.index()] = def;
    }

    /// An object's or a union's members (none for the other kinds).
    pub fn members(&self, id: TypeId) -> &[Member] {
        match &self.get(id).kind {
            TypeKind::Object { members, .. } | TypeKind::Union { members, .. } => members,
            _ => &[],
        }
    }

    /// A union's or an alternate's branches.
    pub fn branches(&self, id: TypeId) -> &[Branch] {
        match &self.get(id).kind {
            TypeKind::Union { branches, .. } | TypeKind::Alternate { branches } => branches,
            _ => &[],
        }
    }

    /// The type as a change or a finding names it: its kind's label
    /// (`json-string`, `union`), or an external type's name.
    pub fn label(&self, id: TypeId) -> String {
        let def = self.get(id);
        match (&def.kind, &def.name) {
            (TypeKind::External, Some(name)) => name.clone(),
            (kind, _) => kind.label().to_string(),
        }
    }

    /// An enumeration's values.
    pub fn values(&self, id: TypeId) -> &[EnumValue] {
        match &self.get(id).kind {
            TypeKind::Enum { values } => values,
            _ => &[],
        }
    }

    /// The elements' type, through any arrays.
    pub fn element(&self, mut id: TypeId) -> TypeId {
        // Each step is an array: at most one per type of the table.
        for _ in 0..self.defs.len() {
            match self.get(id).kind {
                TypeKind::Array { items: Some(items) } => id = items,
                _ => break,
            }
        }
        id
    }
}

impl TypeDef {
    /// A type without name or documentation.
    pub fn anonymous(kind: TypeKind) -> TypeDef {
        TypeDef::named(None, kind)
    }

    /// A type named `name` (if any), without documentation.
    pub fn named(name: Option<String>, kind: TypeKind) -> TypeDef {
        TypeDef {
            name,
            kind,
            description: String::new(),
            since: None,
            condition: None,
            features: Vec::new(),
        }
    }
}

/// Why a type cannot be spelled out where it is used within the bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbounded {
    /// Types nest deeper than the limit.
    TooDeep,
    /// Spelling them out takes more members than the budget left.
    TooLarge,
}

impl Types {
    /// Checks that type `root` spelled out in place, each type within
    /// itself named rather than spelled again (as the generators walk it),
    /// nests no deeper than `max_depth` and takes no more members,
    /// elements and branches than `budget` holds (spent as it goes). The
    /// walk stops when either runs out, so it costs at most the budget.
    pub fn check_spelling(
        &self,
        root: TypeId,
        budget: &mut usize,
        max_depth: usize,
    ) -> Result<(), Unbounded> {
        let mut inside = Vec::new();
        self.spell_within(root, &mut inside, budget, max_depth)
    }

    fn spell_within(
        &self,
        ty: TypeId,
        inside: &mut Vec<TypeId>,
        budget: &mut usize,
        max_depth: usize,
    ) -> Result<(), Unbounded> {
        if inside.contains(&ty) {
            return Ok(());
        }
        if inside.len() >= max_depth {
            return Err(Unbounded::TooDeep);
        }
        inside.push(ty);
        let def = self.get(ty);
        let inner = match &def.kind {
            TypeKind::Array { items } => items.iter().copied().collect(),
            _ => self
                .members(ty)
                .iter()
                .map(|m| m.ty)
                .chain(self.branches(ty).iter().map(|b| b.ty))
                .collect::<Vec<_>>(),
        };
        for inner in inner {
            *budget = budget.checked_sub(1).ok_or(Unbounded::TooLarge)?;
            self.spell_within(inner, inside, budget, max_depth)?;
        }
        inside.pop();
        Ok(())
    }
}

impl TypeKind {
    /// The kind as the text writes it (`json-string`, `json-object`), or
    /// the QAPI era's own word (`int8`, `union`); empty for an external
    /// type, which is known by its name only.
    pub fn label(&self) -> &'static str {
        match self {
            TypeKind::Scalar { scalar } => scalar.label(),
            TypeKind::Enum { .. } => "json-string",
            TypeKind::Array { .. } => "json-array",
            TypeKind::Object { .. } => "json-object",
            TypeKind::Union { .. } => "union",
            TypeKind::Alternate { .. } => "alternate",
            TypeKind::External => "",
        }
    }
}

impl Scalar {
    /// The scalar as the text writes it (`json-string`), or the QAPI era's
    /// own word (`int8`).
    pub fn label(self) -> &'static str {
        match self {
            Scalar::String => "json-string",
            Scalar::Int => "json-int",
            Scalar::Number => "json-number",
            Scalar::Bool => "json-bool",
            Scalar::Value => "json-value",
            Scalar::Null => "null",
            Scalar::Int8 => "int8",
            Scalar::Int16 => "int16",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Uint8 => "uint8",
            Scalar::Uint16 => "uint16",
            Scalar::Uint32 => "uint32",
            Scalar::Uint64 => "uint64",
            Scalar::Size => "size",
        }
    }

    /// Whether the scalar is one of the integers (`int`, sized, `size`).
    pub fn is_integer(self) -> bool {
        !matches!(
            self,
            Scalar::String | Scalar::Number | Scalar::Bool | Scalar::Value | Scalar::Null
        )
    }
}
