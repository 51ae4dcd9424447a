//! The crate's `commands` module (feature `commands`): a struct per
//! command holding its arguments, with `Command`'s name and return type;
//! the types only commands reach; `CommandKind` with since and until; and
//! `Return`, any command's return decoded by the name of its command.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::revision::variant_name;
use super::types::{self, rust_type};
use super::{doc, escape};
use crate::catalog::{Arguments, Catalog, CommandType, Member, Ways};
use crate::idents::{Case, Scope};

/// The module's items.
pub fn commands(catalog: &Catalog<'_>) -> TokenStream {
    let structs = catalog.commands.iter().map(|c| command(c, catalog));
    let own_types = types::command_types(catalog);
    // The objects only commands reach are built by their users: `new`.
    let constructors = catalog.objects[catalog.command_types.objects..]
        .iter()
        .filter(|o| o.ways.sent)
        .map(|o| constructor(&format_ident!("{}", o.name), &o.members, catalog));
    let kind = kind_enum(catalog);
    let returns = return_enum(catalog);
    quote! {
        #(#structs)*
        #kind
        #returns
        #own_types
        #(#constructors)*
    }
}

/// The struct of a command's arguments, and its `Command`.
fn command(command: &CommandType<'_>, catalog: &Catalog<'_>) -> TokenStream {
    let name = format_ident!("{}", command.type_name);
    let wire = command.name;
    let mut summary = vec![format!("`{wire}`: {}", summary(command))];
    summary.push(match command.last {
        Some(last) => format!("In revisions `{}` to `{last}`.", command.introduced),
        None => format!("Since revision `{}`.", command.introduced),
    });
    if let Some(condition) = &command.command.condition {
        summary.push(format!(
            "Only in builds where `{condition}` holds (a QAPI condition)."
        ));
    }
    summary.extend(types::features(&command.command.features));
    if command.command.extra_arguments {
        summary.push(
            "QEMU takes arguments beyond these (`'gen': false`, e.g. a device's properties), \
             which no schema lists: add them to the request's `arguments` yourself."
                .to_string(),
        );
    }
    let paragraphs = |last: &str| {
        let mut all: Vec<&str> = summary.iter().map(String::as_str).collect();
        all.push(last);
        doc(&all)
    };
    let arguments = match &command.arguments {
        Arguments::None => {
            let docs = paragraphs("It takes no arguments.");
            quote! {
                #docs
                #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
                #[non_exhaustive]
                pub struct #name {}
                impl #name {
                    /// The command.
                    pub fn new() -> Self {
                        Self {}
                    }
                }
            }
        }
        Arguments::Fields(members) => {
            let all: Vec<&str> = summary.iter().map(String::as_str).collect();
            let object = types::object(&name, &all, members, catalog, Ways::SENT);
            let constructor = constructor(&name, members, catalog);
            quote! { #object #constructor }
        }
        Arguments::Boxed(ty) => {
            let docs = paragraphs("Its arguments are one QAPI type, given whole.");
            let inner = rust_type(ty, catalog);
            let derives = super::derives(catalog.type_eq(ty), true, false);
            quote! {
                #docs
                #derives
                #[serde(transparent)]
                pub struct #name(pub #inner);
            }
        }
    };
    let returns = command
        .returns
        .as_ref()
        .map_or_else(|| quote! { Empty }, |ty| rust_type(ty, catalog));
    let kind = format_ident!("{}", command.type_name);
    quote! {
        #arguments
        impl Command for #name {
            const NAME: &'static str = #wire;
            const KIND: CommandKind = CommandKind::#kind;
            type Returns = #returns;
        }
    }
}

/// A command's description, its first paragraph, as a sentence.
fn summary(command: &CommandType<'_>) -> String {
    let description = command.command.description.trim();
    if description.is_empty() {
        format!("a command of QEMU ({}).", command.name)
    } else {
        escape(description)
    }
}

/// `new` with the members every QEMU of the history requires, the others
/// `None`; `Default` where none is required.
fn constructor(name: &Ident, members: &[Member<'_>], catalog: &Catalog<'_>) -> TokenStream {
    let mut scope = Scope::default();
    let fields: Vec<(Ident, &Member<'_>)> = members
        .iter()
        .map(|m| {
            let ident = scope.claim(&m.declared.name, Case::Snake);
            (Ident::new(&ident, Span::call_site()), m)
        })
        .collect();
    let required: Vec<&(Ident, &Member<'_>)> = fields.iter().filter(|(_, m)| m.required).collect();
    let parameters = required.iter().map(|(ident, member)| {
        let ty = rust_type(&member.ty, catalog);
        quote! { #ident: #ty }
    });
    let values = fields.iter().map(|(ident, member)| {
        if member.required {
            quote! { #ident }
        } else {
            quote! { #ident: None }
        }
    });
    let default = required.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        impl #name {
            /// The arguments every QEMU that has them requires; the others
            /// (`Option`s) are `None`, to set as fields.
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#parameters),*) -> Self {
                Self { #(#values),* }
            }
        }
        #default
    }
}

/// Each command's variant (of `CommandKind` and `Return`) and its name.
fn variants<'a>(catalog: &Catalog<'a>) -> (Vec<Ident>, Vec<&'a str>) {
    catalog
        .commands
        .iter()
        .map(|c| (format_ident!("{}", c.type_name), c.name))
        .unzip()
}

/// `CommandKind`: every command, with since and until.
fn kind_enum(catalog: &Catalog<'_>) -> TokenStream {
    let (variants, names) = variants(catalog);
    let docs = catalog
        .commands
        .iter()
        .map(|c| doc(&[&format!("`{}`", c.name)]));
    let count = variants.len();
    let present = catalog.commands.iter().map(|c| {
        let revisions = c
            .present_in
            .iter()
            .map(|r| format_ident!("{}", variant_name(r)));
        quote! { &[#(Revision::#revisions),*] }
    });
    let until = catalog.commands.iter().filter_map(|c| {
        let last = format_ident!("{}", variant_name(c.last?));
        let variant = format_ident!("{}", c.type_name);
        Some(quote! { CommandKind::#variant => Some(Revision::#last), })
    });
    let kinds: std::collections::HashMap<&str, Ident> = catalog
        .commands
        .iter()
        .map(|c| (c.name, format_ident!("{}", c.type_name)))
        .collect();
    let members = catalog
        .command_members
        .iter()
        .filter_map(|((command, path), (since, until))| {
            let kind = kinds.get(command)?;
            let since = format_ident!("{}", variant_name(since));
            let until = match until {
                Some(until) => {
                    let until = format_ident!("{}", variant_name(until));
                    quote! { Some(Revision::#until) }
                }
                None => quote! { None },
            };
            Some(quote! { (CommandKind::#kind, #path, Revision::#since, #until) })
        });
    quote! {
        /// Which command a request is, without its arguments: one variant
        /// per command of the history's QAPI releases. Parses from and
        /// displays as the name QMP writes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum CommandKind {
            #(#docs #variants,)*
        }

        impl CommandKind {
            /// Every kind, in the order of their names.
            pub const ALL: [CommandKind; #count] = [#(CommandKind::#variants),*];

            /// The command's name, as QMP writes it.
            pub const fn name(self) -> &'static str {
                match self {
                    #(CommandKind::#variants => #names,)*
                }
            }

            /// The kind of the command named `name`; `None` for a command
            /// no revision has.
            pub fn from_name(name: &str) -> Option<CommandKind> {
                match name {
                    #(#names => Some(CommandKind::#variants),)*
                    _ => None,
                }
            }

            /// The revisions of the history that have the command, oldest
            /// first.
            pub const fn revisions(self) -> &'static [Revision] {
                match self {
                    #(CommandKind::#variants => #present,)*
                }
            }

            /// The first revision that has the command.
            pub const fn since(self) -> Revision {
                self.revisions()[0]
            }

            /// The last revision that has the command, when the newest no
            /// longer does (`query-cpus`: `qemu-5.2.0`); `None` while it does.
            pub const fn until(self) -> Option<Revision> {
                match self {
                    #(#until)*
                    _ => None,
                }
            }

            fn member(self, path: &str) -> Option<(Revision, Option<Revision>)> {
                super::timeline::member_span(MEMBERS, self, path)
                    .or_else(|| super::check::member_span(self.name(), path))
            }

            /// The first revision in which the command has the argument or
            /// member of its return at `path`: `arguments.NAME` or
            /// `return.NAME`, and deeper, through arrays, with a union's
            /// branch by its tag's value
            /// (`arguments.channels.addr.socket.type`); `None` for a path it
            /// never had. A deeper path is looked up in the releases' wire
            /// schemas, each read on first use.
            pub fn member_since(self, path: &str) -> Option<Revision> {
                self.member(path).map(|(since, _)| since)
            }

            /// Whether the QEMU of `revision` has the command (what
            /// `EventKind::sent_by` is for events), by that revision's wire
            /// schema: a release's, a build's own, or for a revision of
            /// `qmp-events.txt` the release that shipped it.
            pub fn available_in(self, revision: Revision) -> bool {
                revision.schema().is_some_and(|schema| schema.has_command(self.name()))
            }

            /// Whether the QEMU of `revision` has the command's member at
            /// `path` (as [`CommandKind::member_since`] takes it).
            pub fn member_available_in(self, path: &str, revision: Revision) -> bool {
                revision.schema().is_some_and(|schema| schema.has_path(self.name(), path))
            }

            /// The last revision that has the member at `path`, when a later
            /// one that has the command no longer does.
            pub fn member_until(self, path: &str) -> Option<Revision> {
                self.member(path).and_then(|(_, until)| until)
            }
        }

        /// Since and until of every argument and return member of every
        /// command, by kind and path, sorted.
        const MEMBERS: &[(CommandKind, &str, Revision, Option<Revision>)] = &[#(#members),*];
    }
}

/// `Return` and `decode_return`: a return decoded by its command's name.
fn return_enum(catalog: &Catalog<'_>) -> TokenStream {
    let (variants, names) = variants(catalog);
    let declarations = catalog.commands.iter().zip(&variants).map(|(c, variant)| {
        let line = format!("The return of `{}`.", c.name);
        let ty = c
            .returns
            .as_ref()
            .map_or_else(|| quote! { Empty }, |ty| rust_type(ty, catalog));
        quote! { #[doc = #line] #variant(#ty), }
    });
    quote! {
        /// Any command's return, decoded by the name of its command
        /// ([`decode_return`]). Open: the return of a command this crate
        /// does not know is `Unknown`, with the JSON as it came.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum Return {
            #(#declarations)*
            /// The return of a command newer than this crate.
            Unknown {
                /// The command's name.
                name: String,
                /// The return as received.
                value: serde_json::Value,
            },
        }

        /// Decodes `json`, the `return` of the command named `name`, into
        /// its type; a command this crate does not know gives
        /// [`Return::Unknown`]. Unknown members are ignored and unknown
        /// enumeration values and branches kept, as in events.
        pub fn decode_return(name: &str, json: &str) -> Result<Return, serde_json::Error> {
            Ok(match name {
                #(#names => Return::#variants(serde_json::from_str(json)?),)*
                _ => Return::Unknown {
                    name: name.to_owned(),
                    value: serde_json::from_str(json)?,
                },
            })
        }
    }
}
