//! Code generation from the resolved [`Api`].
//!
//! Output layout, wherever the macro is invoked:
//! - one module per area (`auth`), gated by the area's cargo features; files at the top of the
//!   spec folder generate into the invoking module directly;
//! - in it, `types` (the area's shared types) and one module per group (`otp`): the group's
//!   accessor struct, one request type and one method per endpoint, and inline reply types;
//! - the accessors themselves (`client.otp()`), as inherent methods of the runtime's `Client` or
//!   `ManagementClient` (inside the runtime crate) or of an extension trait (anywhere else, see
//!   [`Options::client_ext`]).
//!
//! Per endpoint only what differs is generated: its fields, their `(wire name, &value)` lists
//! for encoding and the `match` for decoding. Sending, encoding and decoding themselves are the
//! runtime's, compiled once. Every module starts with absolute imports (std's prelude by its
//! path, `use ::descope_api::__private as __rt`), so the code names nothing from the invoking
//! crate's scope, works under `#![no_implicit_prelude]`, and compiles in any crate that depends
//! on descope-api alone.

mod endpoint;
mod rust_ty;
mod types;

use std::collections::BTreeSet;

use descope_spec::{Api, AreaId, FileId, GroupId, Handle, Scope, TypeId};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// How generated code refers to the world around it.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of the runtime crate, `::descope_api` unless the user re-exports it elsewhere.
    pub runtime: TokenStream,
    /// When set, the group accessors (`client.otp()`) are methods of an extension trait of this
    /// name, implemented for the runtime's `Client` (or `ManagementClient`, as a trait named
    /// `Management` + this name), so a crate other than the runtime can generate endpoints.
    /// When unset, they are inherent methods, which only the runtime crate itself may define.
    pub client_ext: Option<Ident>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: quote!(::descope_api),
            client_ext: None,
        }
    }
}

/// Where generated code stands, which decides how it names types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// In an area's `types` module.
    Types(AreaId),
    /// In a group's module.
    Group(GroupId),
}

/// Generation state shared by the emitters.
pub(crate) struct Gen<'a> {
    pub(crate) api: &'a Api,
    pub(crate) options: &'a Options,
    /// Set when code of the group module being generated names a type of its area's `types`
    /// module: the module then imports `super::types`.
    pub(crate) names_area_types: std::cell::Cell<bool>,
}

/// Generates the code for the whole API.
pub fn generate(api: &Api, options: &Options) -> TokenStream {
    generate_split(api, options, |_| None)
}

/// Generates the code for the whole API, except the contents of the area modules for which
/// `contents` returns tokens: those go inside the (cfg-gated) area module instead of the
/// generated items. The macro passes a nested `generate!` invocation there, which rustc expands
/// only when the area's features are on, so a build pays for the areas it compiles.
pub fn generate_split(
    api: &Api,
    options: &Options,
    contents: impl Fn(&str) -> Option<TokenStream>,
) -> TokenStream {
    let generator = Gen::new(api, options);
    let mut out = TokenStream::new();
    for (a, area) in api.areas.iter().enumerate() {
        let id = AreaId(a);
        let items = match area.module().and_then(|_| contents(&area.name)) {
            Some(nested) => nested,
            None => generator.area_items(id, None),
        };
        match area.module() {
            None => out.extend(items),
            Some(module) => {
                let module = format_ident!("{module}");
                let cfg = cfg_attr(api.area_features(id).as_ref());
                let docs = doc(area
                    .docs
                    .as_deref()
                    .unwrap_or(&format!("The endpoints of `spec/{}/`.", area.name)));
                out.extend(quote! {
                    #docs
                    #cfg
                    pub mod #module {
                        #items
                    }
                });
            }
        }
    }
    out.extend(generator.client_ext());
    out
}

/// Generates the contents of the module of area `name` (its `types` and group modules), as
/// [`generate`] puts them inside `pub mod <area>`; `None` if there is no such area or it has no
/// module of its own (its items are at the top).
pub fn generate_area(api: &Api, name: &str, options: &Options) -> Option<TokenStream> {
    let generator = Gen::new(api, options);
    let a = api.areas.iter().position(|area| area.name == name)?;
    api.areas[a].module()?;
    Some(generator.area_items(AreaId(a), None))
}

/// Generates what one spec file contributes: its shared types (in a `types` module) and its
/// group, without the area module around them. For snapshots and the expansion viewer.
pub fn generate_file(api: &Api, file: FileId, options: &Options) -> TokenStream {
    let generator = Gen::new(api, options);
    let area = api.files[file.0].area;
    generator.area_items(area, Some(file))
}

/// Generates one endpoint (`auth.otp.update_email`) as it appears inside its group module: its
/// method and its items; `None` if there is no such endpoint. For the expansion viewer.
pub fn generate_endpoint(api: &Api, id: &str, options: &Options) -> Option<TokenStream> {
    let generator = Gen::new(api, options);
    let (g, endpoint) = api
        .groups
        .iter()
        .enumerate()
        .find_map(|(g, group)| group.endpoints.iter().find(|e| e.id == id).map(|e| (g, e)))?;
    let mut out = generator.endpoint_method(GroupId(g), endpoint);
    out.extend(generator.endpoint_items(GroupId(g), endpoint));
    Some(out)
}

/// Pretty-prints generated code with prettyplease.
pub fn format(tokens: TokenStream) -> Result<String, syn::Error> {
    Ok(prettyplease::unparse(&syn::parse2::<syn::File>(tokens)?))
}

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints them as `///` lines.
pub(crate) fn doc(text: &str) -> TokenStream {
    text.trim()
        .lines()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}

/// The first line of a doc text.
pub(crate) fn summary(text: &str) -> &str {
    text.trim().lines().next().unwrap_or_default()
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for `None`.
pub(crate) fn cfg_attr(features: Option<&BTreeSet<&str>>) -> TokenStream {
    let Some(features) = features.filter(|f| !f.is_empty()) else {
        return TokenStream::new();
    };
    let features: Vec<_> = features.iter().map(|f| quote!(feature = #f)).collect();
    if features.len() == 1 {
        quote!(#[cfg(#(#features)*)])
    } else {
        quote!(#[cfg(any(#(#features),*))])
    }
}

/// A `#[cfg]` for an item whose features differ from its module's.
pub(crate) fn narrower_cfg(
    item: Option<BTreeSet<&str>>,
    module: Option<BTreeSet<&str>>,
) -> TokenStream {
    if item == module {
        TokenStream::new()
    } else {
        cfg_attr(item.as_ref())
    }
}

impl<'a> Gen<'a> {
    fn new(api: &'a Api, options: &'a Options) -> Gen<'a> {
        Gen {
            api,
            options,
            names_area_types: Default::default(),
        }
    }
}

impl Gen<'_> {
    /// The runtime path (`::descope_api`).
    pub(crate) fn rt(&self) -> &TokenStream {
        &self.options.runtime
    }

    /// The imports every generated module starts with: std's names, the runtime's door and the
    /// runtime's names that field types and setters use (spec types may not take any of them:
    /// `RESERVED_TYPE_NAMES`), all absolute.
    fn imports(&self) -> TokenStream {
        let rt = self.rt();
        quote! {
            #![allow(unused_imports)]
            use ::std::{collections::BTreeMap, prelude::rust_2024::*};
            use #rt::__private::{self as __rt, Fill, IntoList, IntoMap, Json};
        }
    }

    /// The items of an area (or of one of its files): `types`, then one module per group.
    fn area_items(&self, area: AreaId, only: Option<FileId>) -> TokenStream {
        let api = self.api;
        let area_features = api.area_features(area);
        let mut out = TokenStream::new();
        let shared: Vec<TypeId> = api
            .area(area)
            .types
            .iter()
            .copied()
            .filter(|&t| only.is_none_or(|f| api.ty(t).file == f))
            .collect();
        if !shared.is_empty() {
            let imports = self.imports();
            let items: TokenStream = shared
                .iter()
                .map(|&t| {
                    let cfg = narrower_cfg(api.type_features(t), area_features.clone());
                    self.type_def(t, Site::Types(area), &cfg)
                })
                .collect();
            let cfg = narrower_cfg(self.types_features(&shared), area_features.clone());
            out.extend(quote! {
                /// Shapes shared by the endpoints of this area.
                #cfg
                pub mod types {
                    #imports
                    #items
                }
            });
        }
        for &group in &api.area(area).groups {
            if only.is_none_or(|f| api.group(group).file == f) {
                out.extend(self.group_module(group, area_features.clone()));
            }
        }
        out
    }

    /// The features under any of which one of `types` is compiled.
    fn types_features(&self, types: &[TypeId]) -> Option<BTreeSet<&str>> {
        let mut all = BTreeSet::new();
        for &t in types {
            all.extend(self.api.type_features(t)?);
        }
        Some(all)
    }

    /// The client type a group's accessor hangs off, as its own module names it.
    pub(crate) fn handle(&self, group: GroupId) -> TokenStream {
        match self.api.group(group).handle {
            Handle::Client => quote!(__rt::Client),
            Handle::Management => quote!(__rt::ManagementClient),
        }
    }

    fn group_module(&self, id: GroupId, area_features: Option<BTreeSet<&str>>) -> TokenStream {
        let api = self.api;
        let group = api.group(id);
        let module = format_ident!("{}", group.name);
        let accessor_ty = format_ident!("{}", group.type_name);
        let handle = self.handle(id);
        let cfg = narrower_cfg(api.group_features(id), area_features);
        let docs = doc(&group.docs);
        let handle_name = match group.handle {
            Handle::Client => "Client",
            Handle::Management => "ManagementClient",
        };
        let rt_name = self.rt().to_string().replace(' ', "");
        let struct_docs = doc(&format!(
            "{}\n\nObtained from [`{}::{handle_name}::{}`]; every method returns a request to \
             `.await`.",
            summary(&group.docs),
            rt_name.trim_start_matches("::"),
            group.name
        ));
        let inherent = if self.options.client_ext.is_none() {
            let accessor = self.accessor(id, false);
            quote!(impl #handle { #accessor })
        } else {
            TokenStream::new()
        };
        self.names_area_types.set(false);
        let methods: TokenStream = group
            .endpoints
            .iter()
            .map(|e| self.endpoint_method(id, e))
            .collect();
        let items: TokenStream = group
            .endpoints
            .iter()
            .map(|e| self.endpoint_items(id, e))
            .collect();
        let replies: TokenStream = api
            .types
            .iter()
            .enumerate()
            .filter(|(_, t)| t.scope == Scope::Group(id))
            .map(|(t, _)| self.type_def(TypeId(t), Site::Group(id), &TokenStream::new()))
            .collect();
        let imports = self.imports();
        let area_types = self.names_area_types.take().then(|| {
            quote! {
                use super::types;
            }
        });
        quote! {
            #docs
            #cfg
            pub mod #module {
                #imports
                #area_types

                #struct_docs
                #[derive(Clone, Copy, Debug)]
                pub struct #accessor_ty<'c>(pub(crate) &'c #handle);

                #inherent

                impl #accessor_ty<'_> {
                    #methods
                }

                #items
                #replies
            }
        }
    }

    /// The path of group `id`'s module from the macro's invocation site (`auth::otp`).
    fn group_path(&self, id: GroupId) -> TokenStream {
        let group = self.api.group(id);
        let module = format_ident!("{}", group.name);
        match self.api.area(group.area).module() {
            Some(area) => {
                let area = format_ident!("{area}");
                quote!(#area::#module)
            }
            None => quote!(#module),
        }
    }

    /// `pub fn otp(&self) -> Otp<'_>`, as an inherent method (declared inside the group module)
    /// or as a trait method implementation (at the invocation site).
    fn accessor(&self, id: GroupId, in_trait: bool) -> TokenStream {
        let group = self.api.group(id);
        let name = format_ident!("{}", group.name);
        let accessor_ty = format_ident!("{}", group.type_name);
        let docs = doc(summary(&group.docs));
        let (path, vis) = if in_trait {
            let module = self.group_path(id);
            (quote!(#module::#accessor_ty), quote!())
        } else {
            (quote!(#accessor_ty), quote!(pub))
        };
        quote! {
            #docs
            #vis fn #name(&self) -> #path<'_> {
                #path(self)
            }
        }
    }

    /// The extension traits that carry the accessors when [`Options::client_ext`] is set: one
    /// for `Client` (named as given) and, if there are management groups, one for
    /// `ManagementClient` (the name with `Management` in front).
    fn client_ext(&self) -> TokenStream {
        let Some(trait_name) = &self.options.client_ext else {
            return TokenStream::new();
        };
        let rt = self.rt();
        let mut out = TokenStream::new();
        for (name, kind, handle) in [
            (trait_name.clone(), Handle::Client, quote!(#rt::Client)),
            (
                format_ident!("Management{}", trait_name),
                Handle::Management,
                quote!(#rt::ManagementClient),
            ),
        ] {
            let groups: Vec<GroupId> = (0..self.api.groups.len())
                .map(GroupId)
                .filter(|&g| self.api.group(g).handle == kind)
                .collect();
            if groups.is_empty() {
                continue;
            }
            let mut signatures = TokenStream::new();
            let mut bodies = TokenStream::new();
            for &id in &groups {
                let group = self.api.group(id);
                let module = self.group_path(id);
                let accessor_ty = format_ident!("{}", group.type_name);
                let method = format_ident!("{}", group.name);
                let docs = doc(summary(&group.docs));
                let cfg = cfg_attr(self.api.group_features(id).as_ref());
                signatures.extend(quote! {
                    #docs
                    #cfg
                    fn #method(&self) -> #module::#accessor_ty<'_>;
                });
                let body = self.accessor(id, true);
                bodies.extend(quote!(#cfg #body));
            }
            let docs = doc(&format!(
                "The generated API groups, as methods of [`{}`]. Bring this trait into scope to \
                 call them.",
                handle.to_string().replace(' ', "").trim_start_matches("::")
            ));
            out.extend(quote! {
                #docs
                pub trait #name {
                    #signatures
                }

                impl #name for #handle {
                    #bodies
                }
            });
        }
        out
    }
}
