//! Spec types as Rust types, method arguments and default values.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::Gen;
use crate::model::Field;
use crate::ty::Ty;

/// Where generated code stands, which decides how it names shared types.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// Inside the `types` module.
    Types,
    /// Inside a group module (a sibling of `types`).
    Group,
}

impl Gen<'_> {
    /// The Rust type of a spec type.
    pub fn rust_ty(&self, ty: &Ty, secret: bool, site: Site) -> TokenStream {
        let rt = &self.options.runtime;
        match ty {
            Ty::String if secret => quote!(#rt::Secret),
            Ty::String => quote!(::std::string::String),
            Ty::Bool => quote!(bool),
            Ty::Int32 => quote!(i32),
            Ty::Int64 => quote!(i64),
            Ty::Number => quote!(f64),
            Ty::Any => quote!(#rt::__private::serde_json::Value),
            Ty::Url => quote!(#rt::Url),
            Ty::RefreshJwt => quote!(#rt::RefreshJwt),
            Ty::SessionJwt => quote!(#rt::SessionJwt),
            Ty::Array(inner) => {
                let inner = self.rust_ty(inner, false, site);
                quote!(::std::vec::Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.rust_ty(inner, false, site);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
            Ty::Named(name) => {
                let ident = format_ident!("{}", name);
                match site {
                    Site::Types => quote!(#ident),
                    Site::Group => quote!(super::types::#ident),
                }
            }
        }
    }

    /// Whether a named type is an enum.
    pub fn is_enum(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(name) if self.types.get(name.as_str()).is_some_and(|d| d.variants.is_some()))
    }

    /// Whether the Rust type has no meaningful `Default` (enums, URLs, JWTs), so a field of it
    /// that may be absent stays an `Option`.
    pub fn lacks_default(&self, ty: &Ty) -> bool {
        self.is_enum(ty) || ty.is_wrapped_string()
    }

    /// The argument type a caller passes for a value of `ty`, and how it becomes the field value.
    pub fn arg(
        &self,
        ty: &Ty,
        secret: bool,
        site: Site,
        value: &TokenStream,
    ) -> (TokenStream, TokenStream) {
        let into = |target: TokenStream| quote!(impl ::std::convert::Into<#target>);
        match ty {
            Ty::String | Ty::Any | Ty::RefreshJwt | Ty::SessionJwt => {
                (into(self.rust_ty(ty, secret, site)), quote!(#value.into()))
            }
            Ty::Array(inner) => {
                let item = self.item_arg(inner, site);
                (
                    quote!(impl ::std::iter::IntoIterator<Item = #item>),
                    quote!(#value.into_iter().map(::std::convert::Into::into).collect()),
                )
            }
            Ty::Map(inner) => {
                let item = self.item_arg(inner, site);
                (
                    quote!(impl ::std::iter::IntoIterator<Item = (impl ::std::convert::Into<::std::string::String>, #item)>),
                    quote!(#value.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
                )
            }
            _ => (self.rust_ty(ty, secret, site), quote!(#value)),
        }
    }

    fn item_arg(&self, ty: &Ty, site: Site) -> TokenStream {
        match ty {
            Ty::String | Ty::Any => {
                let target = self.rust_ty(ty, false, site);
                quote!(impl ::std::convert::Into<#target>)
            }
            _ => self.rust_ty(ty, false, site),
        }
    }

    /// A Rust expression for a checked default value.
    pub fn default_expr(&self, ty: &Ty, value: &Value, site: Site) -> TokenStream {
        match (ty, value) {
            (Ty::String, Value::String(s)) => quote!(::std::string::String::from(#s)),
            (Ty::Bool, Value::Bool(b)) => quote!(#b),
            (Ty::Int32, v) => {
                let n = Literal::i32_suffixed(v.as_i64().unwrap_or_default() as i32);
                quote!(#n)
            }
            (Ty::Int64, v) => {
                let n = Literal::i64_suffixed(v.as_i64().unwrap_or_default());
                quote!(#n)
            }
            (Ty::Number, v) => {
                let n = Literal::f64_suffixed(v.as_f64().unwrap_or_default());
                quote!(#n)
            }
            (Ty::Named(_), Value::String(s)) => {
                let ty_tokens = self.rust_ty(ty, false, site);
                let variant = self.variant_ident(ty, s);
                quote!(#ty_tokens::#variant)
            }
            (Ty::Any, v) => {
                let json = v.to_string();
                let rt = &self.options.runtime;
                quote!(#rt::__private::serde_json::from_str(#json).unwrap_or_default())
            }
            _ => quote!(::std::default::Default::default()),
        }
    }

    /// Whether the default equals what `Default::default()` gives for the Rust type.
    pub fn default_is_zero(ty: &Ty, value: &Value) -> bool {
        match (ty, value) {
            (Ty::String, Value::String(s)) => s.is_empty(),
            (Ty::Bool, Value::Bool(b)) => !b,
            (Ty::Int32 | Ty::Int64 | Ty::Number, v) => v.as_f64() == Some(0.0),
            (Ty::Array(_) | Ty::Map(_), _) => true,
            (Ty::Any, v) => v.is_null(),
            _ => false,
        }
    }

    /// The variant identifier of an enum value.
    pub fn variant_ident(&self, ty: &Ty, value: &str) -> proc_macro2::Ident {
        let variant = match ty {
            Ty::Named(name) => self
                .types
                .get(name.as_str())
                .and_then(|d| d.variants.as_ref())
                .and_then(|vs| vs.iter().find(|v| v.value == value))
                .and_then(|v| v.rust_name.clone()),
            _ => None,
        };
        format_ident!("{}", variant.unwrap_or_else(|| crate::names::camel(value)))
    }

    /// A field's snake_case Rust identifier.
    pub fn field_ident(field: &Field) -> proc_macro2::Ident {
        let name = field
            .rust_name
            .clone()
            .unwrap_or_else(|| crate::names::snake(&field.name));
        format_ident!("{}", name)
    }
}
