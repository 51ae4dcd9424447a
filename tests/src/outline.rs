//! The API outline of generated Rust: each struct with its fields and each
//! enum with its variants, one line each, no documentation and no impls.
//! A QAPI release's snapshot holds the outline of the crate as of that
//! release, so a review sees what a release changes in the API without the
//! hundreds of kilobytes of documentation the crate repeats.

use quote::ToTokens;

/// The outline of one Rust file.
pub fn outline(source: &str) -> Result<String, String> {
    let file = syn::parse_file(source).map_err(|err| err.to_string())?;
    let mut out = String::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(item) => {
                out.push_str(&format!("struct {}\n", item.ident));
                for field in &item.fields {
                    let name = field
                        .ident
                        .as_ref()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    out.push_str(&format!("    {name}: {}\n", tokens(&field.ty)));
                }
            }
            syn::Item::Enum(item) => {
                out.push_str(&format!("enum {}\n", item.ident));
                for variant in &item.variants {
                    let fields: Vec<String> =
                        variant.fields.iter().map(|f| tokens(&f.ty)).collect();
                    if fields.is_empty() {
                        out.push_str(&format!("    {}\n", variant.ident));
                    } else {
                        out.push_str(&format!("    {}({})\n", variant.ident, fields.join(", ")));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A type as written, without the spaces token printing puts around `<`,
/// `>` and `::`.
fn tokens(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
        .replace(" ,", ",")
}
