//! Object types and enums: the struct or enum, its setters, and the lists the runtime's encoder
//! and decoder work from.

use descope_spec::{Field, Format, Presence, Type, TypeId, TypeKind, Variant};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{Gen, Site, doc};

impl Gen<'_> {
    /// A type: in its area's `types` module, or an inline reply type in its group's module.
    pub(crate) fn type_def(&self, id: TypeId, site: Site, cfg: &TokenStream) -> TokenStream {
        let def = self.api.ty(id);
        let ident = format_ident!("{}", def.name);
        match &def.kind {
            TypeKind::Enum(variants) => {
                self.enum_def(&ident, &def.docs, variants, def.is_open_enum(), cfg)
            }
            TypeKind::Object(fields) => {
                let mut out = self.object(
                    &ident,
                    &def.docs,
                    fields,
                    (def.in_requests, def.in_replies),
                    site,
                    cfg,
                );
                out.extend(Self::failures(&ident, fields, &def.failures, cfg));
                out
            }
        }
    }

    /// For a batch reply: `into_result`, which fails when any failure field is not empty.
    fn failures(
        ident: &Ident,
        fields: &[Field],
        failures: &[usize],
        cfg: &TokenStream,
    ) -> TokenStream {
        if failures.is_empty() {
            return TokenStream::new();
        }
        let counts = failures.iter().map(|&i| {
            let field = &fields[i];
            let name = format_ident!("{}", field.rust);
            if field.option {
                quote!(self.#name.as_ref().map_or(0, |f| f.len()))
            } else {
                quote!(self.#name.len())
            }
        });
        let names: Vec<String> = failures
            .iter()
            .map(|&i| format!("`{}`", fields[i].rust))
            .collect();
        let docs = doc(&format!(
            "`Ok(self)` when every entry of the batch succeeded; otherwise the reply inside a \
             `PartialFailure`, counting the entries of {} (`?` makes it an \
             `Error::PartialFailure`).",
            names.join(" and ")
        ));
        quote! {
            #cfg
            impl #ident {
                #docs
                pub fn into_result(self) -> Result<Self, __rt::PartialFailure<Self>> {
                    let failed = #(#counts)+*;
                    __rt::partial_failure(self, failed)
                }
            }
        }
    }

    /// A struct for an object shape. Types reachable from requests keep optional fields as
    /// `Option` and get chaining setters and an encoder list; types reachable from replies get
    /// a decoder table, and hold plain values that default when the server leaves them out (as
    /// protobuf JSON does for zero values).
    fn object(
        &self,
        ident: &Ident,
        docs: &str,
        fields: &[Field],
        (input, output): (bool, bool),
        site: Site,
        cfg: &TokenStream,
    ) -> TokenStream {
        let mut members = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut defaults = TokenStream::new();
        let mut emits = Vec::new();
        let mut slots = TokenStream::new();
        let mut custom_default = false;
        for field in fields {
            let name = format_ident!("{}", field.rust);
            let wire = &field.wire;
            let base = self.rust_ty(&field.ty, field.secret, site);
            let field_ty = if field.option {
                quote!(Option<#base>)
            } else {
                base
            };
            let field_docs = doc(&field_doc(&field.docs, &field.presence, field.format));
            members.extend(quote! {
                #field_docs
                pub #name: #field_ty,
            });
            let init = match &field.presence {
                Presence::Default(value) if !Self::default_is_zero(&field.ty, value) => {
                    custom_default = true;
                    self.default_expr(&field.ty, value, site)
                }
                _ => quote!(Default::default()),
            };
            defaults.extend(quote!(#name: #init,));
            if input {
                let docs = format!("Sets [`{0}`](Self::{0}).", field.rust);
                setters.extend(self.setter(field.into(), site, &docs));
                emits.push(quote!((#wire, &self.#name)));
            }
            if output {
                let slot = Self::slot(&field.ty, field.option, &quote!(self.#name));
                slots.extend(quote!(#wire => Some(#slot),));
            }
        }
        let docs = doc(docs);
        let derive_default = (!custom_default).then(|| quote!(Default,));
        let default_impl = custom_default.then(|| {
            quote! {
                #cfg
                impl Default for #ident {
                    fn default() -> Self {
                        Self { #defaults }
                    }
                }
            }
        });
        let input_impls = input.then(|| {
            quote! {
                #cfg
                impl #ident {
                    #setters
                }

                #cfg
                impl __rt::Emit for #ident {
                    fn emit(&self, out: &mut __rt::JsonWriter) {
                        out.object([#(#emits),*]);
                    }
                }
            }
        });
        let output_impls = output.then(|| {
            quote! {
                #cfg
                impl __rt::Object for #ident {
                    fn field(&mut self, key: &str) -> Option<__rt::Slot<'_>> {
                        match key {
                            #slots
                            _ => None,
                        }
                    }
                }

            }
        });
        quote! {
            #docs
            #cfg
            #[derive(Clone, Debug, #derive_default PartialEq)]
            #[non_exhaustive]
            pub struct #ident {
                #members
            }

            #default_impl
            #input_impls
            #output_impls
        }
    }

    /// A string enum. An enum read from replies is open: values this version does not know
    /// decode to `Unknown(value)` instead of failing the whole reply. One only sent stays
    /// closed (and `Copy`).
    fn enum_def(
        &self,
        ident: &Ident,
        docs: &str,
        variants: &[Variant],
        open: bool,
        cfg: &TokenStream,
    ) -> TokenStream {
        let mut members = TokenStream::new();
        let mut to_wire = TokenStream::new();
        let mut from_wire = TokenStream::new();
        for variant in variants {
            let name = format_ident!("{}", variant.rust);
            let value = &variant.value;
            let docs = doc(&format!("{} On the wire: `{value}`.", variant.docs.trim()));
            members.extend(quote! {
                #docs
                #name,
            });
            to_wire.extend(quote!(Self::#name => #value,));
            from_wire.extend(quote!(#value => Self::#name,));
        }
        let docs = doc(docs);
        let (copy, as_str, unknown, open_impls) = if open {
            (
                quote!(),
                quote! {
                    /// The value as it travels on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #to_wire
                            Self::Unknown(value) => value,
                        }
                    }
                },
                quote! {
                    /// A value this version of the SDK does not know; sent back as it came.
                    Unknown(String),
                },
                quote! {
                    /// `Unknown("")`: no value.
                    #cfg
                    impl Default for #ident {
                        fn default() -> Self {
                            Self::Unknown(String::new())
                        }
                    }

                    #cfg
                    impl __rt::FromWire for #ident {
                        fn from_wire(text: &str) -> Result<Self, String> {
                            Ok(match text {
                                #from_wire
                                _ => Self::Unknown(String::from(text)),
                            })
                        }
                    }

                    #cfg
                    impl __rt::Fill for #ident {
                        fn slot(&mut self) -> __rt::Slot<'_> {
                            __rt::Slot::Text(self)
                        }
                    }
                },
            )
        } else {
            (
                quote!(Copy,),
                quote! {
                    /// The value as it travels on the wire.
                    pub fn as_str(self) -> &'static str {
                        match self {
                            #to_wire
                        }
                    }
                },
                quote!(),
                quote!(),
            )
        };
        quote! {
            #docs
            #cfg
            #[derive(Clone, #copy Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #ident {
                #members
                #unknown
            }

            #cfg
            impl #ident {
                #as_str
            }

            #cfg
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            #cfg
            impl __rt::Emit for #ident {
                fn emit(&self, out: &mut __rt::JsonWriter) {
                    out.string(self.as_str());
                }

                fn query(&self, name: &str, out: &mut __rt::Query) {
                    out.pair(name, self.as_str());
                }
            }

            #open_impls
        }
    }

    /// A chaining setter for an optional field of a request or an input type.
    pub(crate) fn setter(&self, field: Setter<'_>, site: Site, docs: &str) -> TokenStream {
        let name = format_ident!("{}", field.rust);
        let value = format_ident!("value");
        let (arg_ty, convert) = self.arg(field.ty, field.secret, site, &value);
        let convert = if field.option {
            quote!(Some(#convert))
        } else {
            convert
        };
        let docs = doc(docs);
        quote! {
            #docs
            pub fn #name(mut self, value: #arg_ty) -> Self {
                self.#name = #convert;
                self
            }
        }
    }
}

/// What a setter needs to know of its field.
#[derive(Clone, Copy)]
pub(crate) struct Setter<'a> {
    pub(crate) rust: &'a str,
    pub(crate) ty: &'a Type,
    pub(crate) secret: bool,
    pub(crate) option: bool,
}

impl<'a> From<&'a Field> for Setter<'a> {
    fn from(field: &'a Field) -> Setter<'a> {
        Setter {
            rust: &field.rust,
            ty: &field.ty,
            secret: field.secret,
            option: field.option,
        }
    }
}

/// A field's docs, with what the spec says about it beyond its meaning (in the last paragraph).
pub(crate) fn field_doc(docs: &str, presence: &Presence, format: Option<Format>) -> String {
    let mut text = docs.trim().to_owned();
    if let Presence::Default(default) = presence {
        text.push_str(&format!(" Default: `{default}`."));
    }
    if let Some(format) = format {
        text.push_str(match format {
            Format::Email => " Checked before sending: must be a valid email address.",
            Format::Phone => " Checked before sending: must be a valid phone number.",
        });
    }
    text
}
