//! Code generation from a checked spec.
//!
//! Output layout, wherever the macro is invoked:
//! - `pub mod types { .. }`: every shared type;
//! - `pub mod <group> { .. }`: the group's accessor struct, one request type, one reply type
//!   (unless it reuses a shared one) and one method per endpoint;
//! - the accessors themselves, as inherent methods of the runtime's `Client` (inside the runtime
//!   crate) or of an extension trait (anywhere else, see [`Options::client_ext`]).
//!
//! Generated code names the runtime by [`Options::runtime`] (`::descope_api`), std by `::std`, and
//! its own items relatively (`super::types::X`), so it compiles in any crate.

mod endpoint;
mod object;
mod rust_ty;

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::load::{Spec, SpecFile};
use crate::model::{AuthStyle, Endpoint, Group, TypeDef};
use crate::ty::Ty;

pub use rust_ty::Site;

/// How generated code refers to the world around it.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of the runtime crate, `::descope_api` unless the user re-exports it elsewhere.
    pub runtime: TokenStream,
    /// When set, the group accessors (`client.otp()`) are methods of an extension trait of this
    /// name, implemented for the runtime's `Client` (or `ManagementClient`), so a crate other than
    /// the runtime can generate endpoints. When unset, they are inherent methods, which only the
    /// runtime crate itself may define.
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

/// Generation state shared by the emitters.
pub struct Gen<'s> {
    pub(crate) options: &'s Options,
    pub(crate) types: HashMap<&'s str, &'s TypeDef>,
    /// Shared types reachable from request fields: their optional fields stay `Option`.
    pub(crate) input_types: BTreeSet<String>,
}

impl<'s> Gen<'s> {
    /// Prepares generation for a checked spec.
    pub fn new(spec: &'s Spec, options: &'s Options) -> Self {
        let mut ignored = crate::diag::Diagnostics::default();
        let types = crate::check::type_index(spec, &mut ignored);
        let mut generator = Gen {
            options,
            types,
            input_types: BTreeSet::new(),
        };
        for file in &spec.files {
            for endpoint in &file.spec.endpoints {
                for field in endpoint
                    .path_params
                    .iter()
                    .chain(&endpoint.query)
                    .chain(&endpoint.body)
                {
                    generator.mark_input(&parse_ty(&field.ty));
                }
            }
        }
        generator
    }

    fn mark_input(&mut self, ty: &Ty) {
        let Some(name) = ty.named() else { return };
        if !self.input_types.insert(name.to_owned()) {
            return;
        }
        if let Some(fields) = self.types.get(name).and_then(|d| d.fields.clone()) {
            for field in &fields {
                self.mark_input(&parse_ty(&field.ty));
            }
        }
    }
}

/// Parses a type expression that [`crate::check`] has already accepted.
pub(crate) fn parse_ty(text: &str) -> Ty {
    Ty::parse(text).unwrap_or(Ty::Any)
}

/// Generates the code for the whole spec.
pub fn generate(spec: &Spec, options: &Options) -> TokenStream {
    let generator = Gen::new(spec, options);
    let types: Vec<&TypeDef> = spec.files.iter().flat_map(|f| &f.spec.types).collect();
    let mut out = generator.types_module(&types);
    let mut accessors = Vec::new();
    for file in &spec.files {
        if let Some(group) = &file.spec.group {
            out.extend(generator.group_module(group, &file.spec.endpoints));
            accessors.push(group);
        }
    }
    out.extend(generator.client_ext(spec, &accessors));
    out
}

/// Generates the code one spec file contributes: its shared types (in a `types` module) and its
/// group. For snapshots and the expansion viewer.
pub fn generate_file(spec: &Spec, file: &SpecFile, options: &Options) -> TokenStream {
    let generator = Gen::new(spec, options);
    let types: Vec<&TypeDef> = file.spec.types.iter().collect();
    let mut out = generator.types_module(&types);
    if let Some(group) = &file.spec.group {
        out.extend(generator.group_module(group, &file.spec.endpoints));
    }
    out
}

/// Generates one endpoint of a group as it appears inside the group module, or `None` if there
/// is no such endpoint. For the expansion viewer.
pub fn generate_endpoint(
    spec: &Spec,
    group: &str,
    endpoint: &str,
    options: &Options,
) -> Option<TokenStream> {
    let generator = Gen::new(spec, options);
    let file = spec.files.iter().find(|f| f.group_name() == Some(group))?;
    let group = file.spec.group.as_ref()?;
    let endpoint = file.spec.endpoints.iter().find(|e| e.name == endpoint)?;
    let mut out = generator.endpoint_method(group, endpoint);
    out.extend(generator.endpoint_items(group, endpoint));
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

impl Gen<'_> {
    fn types_module(&self, types: &[&TypeDef]) -> TokenStream {
        if types.is_empty() {
            return TokenStream::new();
        }
        let items: TokenStream = types.iter().map(|def| self.type_def(def)).collect();
        quote! {
            /// Shapes shared by several endpoints.
            pub mod types {
                #items
            }
        }
    }

    fn is_management(endpoints: &[Endpoint]) -> bool {
        !endpoints.is_empty() && endpoints.iter().all(|e| e.auth == AuthStyle::Management)
    }

    /// The type the group's accessor hangs off: `Client` or `ManagementClient`.
    fn handle(&self, endpoints: &[Endpoint]) -> TokenStream {
        let rt = &self.options.runtime;
        if Self::is_management(endpoints) {
            quote!(#rt::ManagementClient)
        } else {
            quote!(#rt::Client)
        }
    }

    fn group_module(&self, group: &Group, endpoints: &[Endpoint]) -> TokenStream {
        let module = format_ident!("{}", group.name);
        let accessor_ty = format_ident!("{}", crate::names::camel(&group.name));
        let handle = self.handle(endpoints);
        let docs = doc(&group.docs);
        let struct_docs = doc(&format!(
            "{}\n\nObtained from [`{}::{}`]; every method returns a request to `.await`.",
            group.docs.trim().lines().next().unwrap_or_default(),
            handle.to_string().replace(' ', "").trim_start_matches("::"),
            group.name
        ));
        let inherent = if self.options.client_ext.is_none() {
            let accessor = self.accessor(group, &module, &accessor_ty, false);
            quote!(impl #handle { #accessor })
        } else {
            TokenStream::new()
        };
        let methods: TokenStream = endpoints
            .iter()
            .map(|e| self.endpoint_method(group, e))
            .collect();
        let items: TokenStream = endpoints
            .iter()
            .map(|e| self.endpoint_items(group, e))
            .collect();
        quote! {
            #docs
            pub mod #module {
                #struct_docs
                #[derive(Clone, Copy, Debug)]
                pub struct #accessor_ty<'c> {
                    pub(super) client: &'c #handle,
                }

                #inherent

                impl #accessor_ty<'_> {
                    #methods
                }

                #items
            }
        }
    }

    /// `pub fn otp(&self) -> otp::Otp<'_>`, as an inherent method (`in_trait` false, declared
    /// inside the group module) or as a trait method implementation.
    fn accessor(
        &self,
        group: &Group,
        module: &Ident,
        accessor_ty: &Ident,
        in_trait: bool,
    ) -> TokenStream {
        let name = format_ident!("{}", group.name);
        let docs = doc(group.docs.trim().lines().next().unwrap_or_default());
        let path = if in_trait {
            quote!(#module::#accessor_ty)
        } else {
            quote!(#accessor_ty)
        };
        let vis = if in_trait { quote!() } else { quote!(pub) };
        quote! {
            #docs
            #vis fn #name(&self) -> #path<'_> {
                #path { client: self }
            }
        }
    }

    /// The extension traits that carry the accessors when [`Options::client_ext`] is set: one
    /// for `Client` (named as given) and, if there are management groups, one for
    /// `ManagementClient` (the name with `Management` in front).
    fn client_ext(&self, spec: &Spec, groups: &[&Group]) -> TokenStream {
        let Some(trait_name) = &self.options.client_ext else {
            return TokenStream::new();
        };
        let mut plain = Vec::new();
        let mut management = Vec::new();
        for file in &spec.files {
            let Some(group) = &file.spec.group else {
                continue;
            };
            if !groups.iter().any(|g| g.name == group.name) {
                continue;
            }
            if Self::is_management(&file.spec.endpoints) {
                management.push(group);
            } else {
                plain.push(group);
            }
        }
        let rt = &self.options.runtime;
        let management_name = format_ident!("Management{}", trait_name);
        let mut out = TokenStream::new();
        for (name, handle, groups) in [
            (trait_name.clone(), quote!(#rt::Client), plain),
            (management_name, quote!(#rt::ManagementClient), management),
        ] {
            if groups.is_empty() {
                continue;
            }
            let mut signatures = TokenStream::new();
            let mut bodies = TokenStream::new();
            for group in groups {
                let module = format_ident!("{}", group.name);
                let accessor_ty = format_ident!("{}", crate::names::camel(&group.name));
                let method = format_ident!("{}", group.name);
                let docs = doc(group.docs.trim().lines().next().unwrap_or_default());
                signatures.extend(quote! {
                    #docs
                    fn #method(&self) -> #module::#accessor_ty<'_>;
                });
                bodies.extend(self.accessor(group, &module, &accessor_ty, true));
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
