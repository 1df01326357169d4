//! Shared object types, enums, and reply structs.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust_ty::Site;
use super::{Gen, doc, parse_ty};
use crate::model::{Field, TypeDef, Variant};
use crate::ty::Ty;

impl Gen<'_> {
    /// A shared type, in the `types` module.
    pub(super) fn type_def(&self, def: &TypeDef) -> TokenStream {
        let ident = format_ident!("{}", def.name);
        match (&def.fields, &def.variants) {
            (_, Some(variants)) => self.enum_def(&ident, &def.docs, variants),
            (Some(fields), None) => {
                let input = self.input_types.contains(&def.name);
                self.object(&ident, &def.docs, fields, input, Site::Types)
            }
            (None, None) => TokenStream::new(),
        }
    }

    /// A struct for an object shape. `input` types (reachable from requests) keep optional
    /// fields as `Option` and get chaining setters; reply-only types hold plain values that
    /// default when the server leaves them out (as protobuf JSON does for zero values).
    pub(super) fn object(
        &self,
        ident: &Ident,
        docs: &str,
        fields: &[Field],
        input: bool,
        site: Site,
    ) -> TokenStream {
        let rt = &self.options.runtime;
        let serde_crate = format!("{rt}::__private::serde").replace(' ', "");
        let mut members = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut defaults = TokenStream::new();
        let mut custom_default = false;
        for field in fields {
            let ty = parse_ty(&field.ty);
            let name = Self::field_ident(field);
            let wire = &field.name;
            let no_default = self.lacks_default(&ty);
            let optional = field.default.is_none() && (no_default || (input && !field.required));
            let base = self.rust_ty(&ty, field.secret, site);
            let field_ty = if optional {
                quote!(::std::option::Option<#base>)
            } else {
                base
            };
            let mut parts: Vec<TokenStream> = Vec::new();
            if name != wire.as_str() {
                parts.push(quote!(rename = #wire));
            }
            if optional {
                parts.push(quote!(
                    skip_serializing_if = "::std::option::Option::is_none"
                ));
                if ty.is_wrapped_string() {
                    let with = format!("{rt}::__private::de::non_empty").replace(' ', "");
                    parts.push(quote!(deserialize_with = #with));
                }
            } else if !no_default {
                let with = match ty {
                    Ty::Int64 => format!("{rt}::__private::de::int64"),
                    _ => format!("{rt}::__private::de::nullable"),
                }
                .replace(' ', "");
                parts.push(quote!(deserialize_with = #with));
            }
            let attr = (!parts.is_empty()).then(|| quote!(#[serde(#(#parts),*)]));
            let field_docs = doc(&field_doc(field));
            members.extend(quote! {
                #field_docs
                #attr
                pub #name: #field_ty,
            });
            let init = match &field.default {
                Some(value) if !Self::default_is_zero(&ty, value) => {
                    custom_default = true;
                    self.default_expr(&ty, value, site)
                }
                _ => quote!(::std::default::Default::default()),
            };
            defaults.extend(quote!(#name: #init,));
            if input {
                setters.extend(self.setter(field, &ty, optional, site));
            }
        }
        let docs = doc(docs);
        let derive_default = (!custom_default).then(|| quote!(::std::default::Default,));
        let default_impl = custom_default.then(|| {
            quote! {
                impl ::std::default::Default for #ident {
                    fn default() -> Self {
                        Self { #defaults }
                    }
                }
            }
        });
        let setters = input.then(|| {
            quote! {
                impl #ident {
                    #setters
                }
            }
        });
        quote! {
            #docs
            #[derive(::std::clone::Clone, ::std::fmt::Debug, #derive_default ::std::cmp::PartialEq,
                #rt::__private::serde::Serialize, #rt::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate, default)]
            #[non_exhaustive]
            pub struct #ident {
                #members
            }

            #default_impl
            #setters
        }
    }

    fn enum_def(&self, ident: &Ident, docs: &str, variants: &[Variant]) -> TokenStream {
        let rt = &self.options.runtime;
        let serde_crate = format!("{rt}::__private::serde").replace(' ', "");
        let ty = Ty::Named(ident.to_string());
        let mut members = TokenStream::new();
        let mut arms = TokenStream::new();
        for variant in variants {
            let name = self.variant_ident(&ty, &variant.value);
            let value = &variant.value;
            let docs = doc(&format!(
                "{}\n\nOn the wire: `{value}`.",
                variant.docs.trim()
            ));
            members.extend(quote! {
                #docs
                #[serde(rename = #value)]
                #name,
            });
            arms.extend(quote!(Self::#name => #value,));
        }
        let docs = doc(docs);
        quote! {
            #docs
            #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug, ::std::cmp::PartialEq,
                ::std::cmp::Eq, ::std::hash::Hash, #rt::__private::serde::Serialize,
                #rt::__private::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
            #[non_exhaustive]
            pub enum #ident {
                #members
            }

            impl #ident {
                /// The value as it travels on the wire.
                pub fn as_str(self) -> &'static str {
                    match self {
                        #arms
                    }
                }
            }

            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl #rt::__private::QueryValue for #ident {
                fn push_to(&self, name: &'static str, out: &mut ::std::vec::Vec<(&'static str, ::std::string::String)>) {
                    out.push((name, ::std::string::String::from(self.as_str())));
                }
            }
        }
    }
}

impl Gen<'_> {
    /// A chaining setter for an optional field of a request or an input type.
    pub(super) fn setter(&self, field: &Field, ty: &Ty, optional: bool, site: Site) -> TokenStream {
        let name = Self::field_ident(field);
        let (arg_ty, convert) = self.arg(ty, field.secret, site, &quote!(value));
        let convert = if optional {
            quote!(::std::option::Option::Some(#convert))
        } else {
            convert
        };
        let docs = doc(&format!(
            "{}\n\nSent as `{}`.",
            field_doc(field),
            field.name
        ));
        quote! {
            #docs
            pub fn #name(mut self, value: #arg_ty) -> Self {
                self.#name = #convert;
                self
            }
        }
    }
}

/// A field's docs, with what the spec says about it beyond its meaning.
pub(super) fn field_doc(field: &Field) -> String {
    let mut text = field.docs.trim().to_owned();
    if let Some(default) = &field.default {
        text.push_str(&format!("\n\nDefault: `{default}`."));
    }
    if let Some(format) = field.format {
        text.push_str(&format!(
            "\n\nChecked before sending: must be a valid {}.",
            match format {
                crate::model::Format::Email => "email address",
                crate::model::Format::Phone => "phone number",
            }
        ));
    }
    text
}
