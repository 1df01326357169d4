//! Model types as Rust types, method arguments, default values and decoding slots.

use descope_spec::{Presence, Scope, Type, TypeId};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::{Gen, Site};

impl Gen<'_> {
    /// The Rust type of a model type, named from `site`.
    pub(crate) fn rust_ty(&self, ty: &Type, secret: bool, site: Site) -> TokenStream {
        match ty {
            Type::String if secret => quote!(__rt::Secret),
            Type::String => quote!(String),
            Type::Bool => quote!(bool),
            Type::Int32 => quote!(i32),
            Type::Int64 => quote!(i64),
            Type::Number => quote!(f64),
            Type::Any => quote!(Json),
            Type::Url => quote!(__rt::Url),
            Type::RefreshJwt => quote!(__rt::RefreshJwt),
            Type::SessionJwt => quote!(__rt::SessionJwt),
            Type::Array(inner) => {
                let inner = self.rust_ty(inner, false, site);
                quote!(Vec<#inner>)
            }
            Type::Map(inner) => {
                let inner = self.rust_ty(inner, false, site);
                quote!(BTreeMap<String, #inner>)
            }
            Type::Object(id) | Type::Enum(id) => self.type_path(*id, site),
        }
    }

    /// How code at `site` names type `id`: by its bare name beside it, through `types` (the group
    /// module imports `super::types`) within its area, and from the invocation site across areas.
    pub(crate) fn type_path(&self, id: TypeId, site: Site) -> TokenStream {
        let def = self.api.ty(id);
        let name = format_ident!("{}", def.name);
        let (site_area, depth) = match site {
            Site::Types(area) => (area, 1),
            Site::Group(group) => (self.api.group(group).area, 1),
        };
        let depth = depth + usize::from(self.api.area(site_area).module().is_some());
        match (def.scope, site) {
            (Scope::Area(area), Site::Types(here)) if area == here => quote!(#name),
            (Scope::Area(area), Site::Group(_)) if area == site_area => {
                self.names_area_types.set(true);
                quote!(types::#name)
            }
            (Scope::Group(group), Site::Group(here)) if group == here => quote!(#name),
            (scope, _) => {
                let supers = (0..depth).map(|_| quote!(super::));
                let area = self.api.area(def.area).module().map(|m| {
                    let m = format_ident!("{m}");
                    quote!(#m::)
                });
                let module = match scope {
                    Scope::Area(_) => quote!(types),
                    Scope::Group(group) => {
                        let g = format_ident!("{}", self.api.group(group).name);
                        quote!(#g)
                    }
                };
                quote!(#(#supers)* #area #module::#name)
            }
        }
    }

    /// The argument type a caller passes for a value of `ty`, and how it becomes the value.
    pub(crate) fn arg(
        &self,
        ty: &Type,
        secret: bool,
        site: Site,
        value: &Ident,
    ) -> (TokenStream, TokenStream) {
        let into = |target: TokenStream| quote!(impl Into<#target>);
        match ty {
            Type::String | Type::Any | Type::RefreshJwt | Type::SessionJwt => {
                (into(self.rust_ty(ty, secret, site)), quote!(#value.into()))
            }
            Type::Array(inner) => {
                let item = self.rust_ty(inner, false, site);
                (quote!(impl IntoList<#item>), quote!(#value.into_list()))
            }
            Type::Map(inner) => {
                let item = self.rust_ty(inner, false, site);
                (quote!(impl IntoMap<#item>), quote!(#value.into_map()))
            }
            _ => (self.rust_ty(ty, secret, site), quote!(#value)),
        }
    }

    /// The starting value of a field that is not an argument: its default, or nothing.
    pub(crate) fn initial(
        &self,
        ty: &Type,
        presence: &Presence,
        option: bool,
        site: Site,
    ) -> TokenStream {
        match presence {
            Presence::Default(value) => self.default_expr(ty, value, site),
            _ if option => quote!(None),
            _ => quote!(Default::default()),
        }
    }

    /// A Rust expression for a checked default value.
    pub(crate) fn default_expr(&self, ty: &Type, value: &Value, site: Site) -> TokenStream {
        match (ty, value) {
            (Type::String, Value::String(s)) if s.is_empty() => quote!(String::new()),
            (Type::String, Value::String(s)) => quote!(String::from(#s)),
            (Type::Bool, Value::Bool(b)) => quote!(#b),
            (Type::Int32, v) => {
                let n = Literal::i32_suffixed(
                    v.as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .unwrap_or_default(),
                );
                quote!(#n)
            }
            (Type::Int64, v) => {
                let n = Literal::i64_suffixed(v.as_i64().unwrap_or_default());
                quote!(#n)
            }
            (Type::Number, v) => {
                let n = Literal::f64_suffixed(v.as_f64().unwrap_or_default());
                quote!(#n)
            }
            (Type::Enum(id), Value::String(s)) => {
                let path = self.type_path(*id, site);
                let variant = self
                    .api
                    .ty(*id)
                    .variants()
                    .iter()
                    .find(|v| &v.value == s)
                    .map(|v| format_ident!("{}", v.rust));
                match variant {
                    Some(variant) => quote!(#path::#variant),
                    None => quote!(Default::default()),
                }
            }
            (Type::Any, v) if !v.is_null() => {
                let json = v.to_string();
                quote!(__rt::serde_json::from_str(#json).unwrap_or_default())
            }
            _ => quote!(Default::default()),
        }
    }

    /// Whether the default equals what `Default::default()` gives for the Rust type.
    pub(crate) fn default_is_zero(ty: &Type, value: &Value) -> bool {
        match (ty, value) {
            (Type::String, Value::String(s)) => s.is_empty(),
            (Type::Bool, Value::Bool(b)) => !b,
            (Type::Int32 | Type::Int64 | Type::Number, v) => v.as_f64() == Some(0.0),
            (Type::Array(_) | Type::Map(_), _) => true,
            (Type::Any, v) => v.is_null(),
            _ => false,
        }
    }

    /// The decoding slot of a field `place` (`self.name`) holding `ty`, `option`al or not.
    pub(crate) fn slot(ty: &Type, option: bool, place: &TokenStream) -> TokenStream {
        let text = matches!(
            ty,
            Type::Url | Type::RefreshJwt | Type::SessionJwt | Type::Enum(_)
        );
        if option && text {
            quote!(__rt::Slot::Text(&mut #place))
        } else {
            quote!(Fill::slot(&mut #place))
        }
    }
}
