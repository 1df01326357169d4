//! One endpoint: a method on the group, a request type, a reply type.
//!
//! The method takes the credential, the path parameters and the required fields as arguments, so
//! none can be forgotten; it returns the request, whose setters fill optional fields and which
//! sends itself when awaited (`IntoFuture`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::object::field_doc;
use super::rust_ty::Site;
use super::{Gen, doc, parse_ty};
use crate::model::{AuthStyle, Content, Endpoint, Field, Format, Group, Source};
use crate::names::camel;
use crate::ty::Ty;

/// Where a request field travels.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Body,
}

impl Gen<'_> {
    /// For an auth style whose credential the caller passes per call: the argument's name, its
    /// type (`&RefreshJwt`), and the runtime `Auth` built from it.
    fn credential(&self, style: AuthStyle) -> Option<(Ident, TokenStream, TokenStream)> {
        let rt = &self.options.runtime;
        let (arg, ty, ctor) = style.credential()?;
        let arg = format_ident!("{}", arg);
        let ty = format_ident!("{}", ty);
        let ctor = format_ident!("{}", ctor);
        Some((
            arg.clone(),
            quote!(&#rt::#ty),
            quote!(#rt::__private::Auth::#ctor(#arg)),
        ))
    }

    fn request_ident(endpoint: &Endpoint) -> Ident {
        format_ident!("{}Request", camel(&endpoint.name))
    }

    fn reply_ty(&self, endpoint: &Endpoint) -> TokenStream {
        match &endpoint.response {
            None => quote!(()),
            Some(r) if r.content == Content::Text => quote!(::std::string::String),
            Some(r) => match &r.type_name {
                Some(text) => self.rust_ty(&parse_ty(text), false, Site::Group),
                None => {
                    let ident = format_ident!("{}Response", camel(&endpoint.name));
                    quote!(#ident)
                }
            },
        }
    }

    fn fields(endpoint: &Endpoint) -> impl Iterator<Item = (Place, &Field)> {
        let path = endpoint.path_params.iter().map(|f| (Place::Path, f));
        let query = endpoint.query.iter().map(|f| (Place::Query, f));
        let body = endpoint.body.iter().map(|f| (Place::Body, f));
        path.chain(query).chain(body)
    }

    /// The method on the group's accessor.
    pub(super) fn endpoint_method(&self, group: &Group, endpoint: &Endpoint) -> TokenStream {
        let rt = &self.options.runtime;
        let name = format_ident!("{}", endpoint.name);
        let request = Self::request_ident(endpoint);
        let mut args = Vec::new();
        let mut arg_docs = String::new();
        let management = endpoint.auth == AuthStyle::Management;
        let (client, auth) = match (endpoint.auth, self.credential(endpoint.auth)) {
            (_, Some((arg, param, auth))) => {
                args.push(quote!(#arg: #param));
                arg_docs.push_str(&format!(
                    "- `{arg}`: the caller's credential for this endpoint.\n"
                ));
                (quote!(self.client), auth)
            }
            (AuthStyle::Management, None) => (
                quote!(self.client.client()),
                quote!(#rt::__private::Auth::management(self.client.key())),
            ),
            (AuthStyle::Project, None) => {
                (quote!(self.client), quote!(#rt::__private::Auth::project()))
            }
            _ => (quote!(self.client), quote!(#rt::__private::Auth::none())),
        };
        let mut lets = TokenStream::new();
        let mut inits = TokenStream::new();
        let mut path_args = Vec::new();
        for (place, field) in Self::fields(endpoint) {
            let ident = Self::field_ident(field);
            let ty = parse_ty(&field.ty);
            if let Some(Source::ProjectId) = field.source {
                let project = if management {
                    quote!(self.client.client().project_id())
                } else {
                    quote!(self.client.project_id())
                };
                path_args.push(quote!(#rt::__private::encode_path(#project)));
                arg_docs.push_str(&format!(
                    "- `{}` in the path is the client's project ID.\n",
                    field.name
                ));
                continue;
            }
            if place == Place::Path || field.required {
                let (arg_ty, convert) = self.arg(&ty, field.secret, Site::Group, &quote!(#ident));
                args.push(quote!(#ident: #arg_ty));
                arg_docs.push_str(&format!(
                    "- `{ident}` (`{}`): {}\n",
                    field.name,
                    field_doc(field).replace("\n\n", " ").replace('\n', " ")
                ));
                if place == Place::Path {
                    if ty == Ty::String {
                        lets.extend(quote!(let #ident: ::std::string::String = #ident.into();));
                        path_args.push(quote!(#rt::__private::encode_path(&#ident)));
                        inits.extend(quote!(#ident,));
                    } else {
                        path_args.push(quote!(#ident.as_str()));
                    }
                } else {
                    inits.extend(quote!(#ident: #convert,));
                }
            } else {
                let init = match &field.default {
                    Some(value) => self.default_expr(&ty, value, Site::Group),
                    None => quote!(::std::option::Option::None),
                };
                inits.extend(quote!(#ident: #init,));
            }
        }
        let path = if path_args.is_empty() {
            let path = &endpoint.path;
            quote!(::std::string::String::from(#path))
        } else {
            let mut template = endpoint.path.clone();
            for placeholder in crate::check::placeholders(&endpoint.path) {
                template = template.replace(&format!("{{{placeholder}}}"), "{}");
            }
            quote!(::std::format!(#template, #(#path_args),*))
        };
        let method = format_ident!("{}", camel(&endpoint.method.as_str().to_lowercase()));
        let id = format!("{}.{}", group.name, endpoint.name);
        let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let optional = Self::fields(endpoint).any(|(p, f)| p != Place::Path && !f.required);
        let docs = doc(&format!(
            "{}\n\n`{} {}`, sent with {}{}.\n\n{}The returned [`{request}`] sends itself when \
             `.await`ed{}.",
            endpoint.docs.trim(),
            endpoint.method.as_str(),
            endpoint.path,
            endpoint.auth.header(),
            if management {
                " (the client's management key)"
            } else {
                ""
            },
            if arg_docs.is_empty() {
                String::new()
            } else {
                format!("Arguments:\n{arg_docs}\n")
            },
            if optional {
                "; set optional fields on it first"
            } else {
                ""
            },
        ));
        quote! {
            #docs
            #many
            pub fn #name(&self, #(#args),*) -> #request {
                #lets
                #request {
                    __call: #rt::__private::Call::new(
                        #client,
                        #auth,
                        #rt::__private::Method::#method,
                        #path,
                        #id,
                    ),
                    #inits
                }
            }
        }
    }

    /// The checks run before sending on the value of `field` at `place` (a place expression):
    /// emptiness of required strings, `format`s, and the same for the fields of the shared input
    /// types it holds (named like `user.email` in errors). `optional` says whether the value is
    /// an `Option`.
    #[allow(clippy::too_many_arguments)]
    fn value_checks(
        &self,
        field: &Field,
        ty: &Ty,
        place: &TokenStream,
        optional: bool,
        path: &str,
        always_required: bool,
        depth: usize,
    ) -> TokenStream {
        let binding = format_ident!("value{}", depth);
        let by_ref = if optional || matches!(ty, Ty::Named(_)) {
            quote!(#binding)
        } else {
            quote!(&#place)
        };
        let body = self.checks_on(field, ty, &by_ref, path, always_required, depth);
        if body.is_empty() {
            body
        } else if optional {
            quote! {
                if let ::std::option::Option::Some(#binding) = &#place {
                    #body
                }
            }
        } else if matches!(ty, Ty::Named(_)) {
            quote! {
                let #binding = &#place;
                #body
            }
        } else {
            body
        }
    }

    /// [`Self::value_checks`] on a value given by reference (`value`).
    fn checks_on(
        &self,
        field: &Field,
        ty: &Ty,
        value: &TokenStream,
        path: &str,
        always_required: bool,
        depth: usize,
    ) -> TokenStream {
        let rt = &self.options.runtime;
        match ty {
            Ty::String => {
                let check = match field.format {
                    Some(Format::Email) => quote!(check_email),
                    Some(Format::Phone) => quote!(check_phone),
                    None if field.required || always_required => quote!(check_required),
                    None => return TokenStream::new(),
                };
                let expose = field.secret.then(|| quote!(.expose_secret()));
                quote!(#rt::__private::#check(#path, #value #expose)?;)
            }
            // Shared input types: check their fields too (to a bounded depth, in case a type
            // ever contains itself).
            Ty::Named(name) if depth < 4 => {
                let Some(fields) = self
                    .types
                    .get(name.as_str())
                    .and_then(|d| d.fields.as_ref())
                else {
                    return TokenStream::new();
                };
                let mut out = TokenStream::new();
                for nested in fields {
                    let nested_ty = parse_ty(&nested.ty);
                    let ident = Self::field_ident(nested);
                    let nested_optional = nested.default.is_none()
                        && (self.lacks_default(&nested_ty) || !nested.required);
                    out.extend(self.value_checks(
                        nested,
                        &nested_ty,
                        &quote!(#value.#ident),
                        nested_optional,
                        &format!("{path}.{}", nested.name),
                        false,
                        depth + 1,
                    ));
                }
                out
            }
            Ty::Array(item) if matches!(**item, Ty::Named(_)) && depth < 4 => {
                let each = format_ident!("item{}", depth);
                let inner = self.checks_on(
                    field,
                    item,
                    &quote!(#each),
                    &format!("{path}[]"),
                    false,
                    depth + 1,
                );
                if inner.is_empty() {
                    inner
                } else {
                    quote!(for #each in #value { #inner })
                }
            }
            _ => TokenStream::new(),
        }
    }

    /// The request type, its setters and trait impls, and the inline reply type if any.
    pub(super) fn endpoint_items(&self, group: &Group, endpoint: &Endpoint) -> TokenStream {
        let rt = &self.options.runtime;
        let serde_crate = format!("{rt}::__private::serde").replace(' ', "");
        let request = Self::request_ident(endpoint);
        let reply = self.reply_ty(endpoint);
        let accessor = camel(&group.name);
        let mut members = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut checks = TokenStream::new();
        let mut query = TokenStream::new();
        for (place, field) in Self::fields(endpoint) {
            let ty = parse_ty(&field.ty);
            if place == Place::Path && (ty != Ty::String || field.source.is_some()) {
                continue;
            }
            let ident = Self::field_ident(field);
            let wire = &field.name;
            let optional = !field.required && field.default.is_none() && place != Place::Path;
            let base = self.rust_ty(&ty, field.secret, Site::Group);
            let member_ty = if optional {
                quote!(::std::option::Option<#base>)
            } else {
                base
            };
            let attr = match place {
                Place::Path | Place::Query => quote!(#[serde(skip)]),
                Place::Body => {
                    let rename = (ident != wire.as_str()).then(|| quote!(rename = #wire));
                    let skip = optional
                        .then(|| quote!(skip_serializing_if = "::std::option::Option::is_none"));
                    let parts: Vec<TokenStream> = rename.into_iter().chain(skip).collect();
                    if parts.is_empty() {
                        quote!()
                    } else {
                        quote!(#[serde(#(#parts),*)])
                    }
                }
            };
            members.extend(quote!(#attr #ident: #member_ty,));
            if place == Place::Query {
                query.extend(quote!(#rt::__private::push_query(&mut query, #wire, &self.#ident);));
            }
            checks.extend(self.value_checks(
                field,
                &ty,
                &quote!(self.#ident),
                optional,
                wire,
                place == Place::Path,
                0,
            ));
            if place != Place::Path && !field.required {
                setters.extend(self.setter(field, &ty, optional, Site::Group));
            }
        }
        let docs = doc(&format!(
            "Request of [`{accessor}::{}`]: {}\n\n`{} {}`. Required values were given to the \
             method; optional ones are set with the methods of this type. `.await` it to send it.",
            endpoint.name,
            endpoint.docs.trim().lines().next().unwrap_or_default(),
            endpoint.method.as_str(),
            endpoint.path,
        ));
        if let Some((arg, param, auth)) = endpoint.optional_auth.and_then(|a| self.credential(a)) {
            let method = format_ident!("with_{}", arg);
            let docs = doc(&format!(
                "Sends the call with {} instead of {}: Descope needs the user's credential here \
                 for step-up and MFA (`stepup` / `mfa` in the login options).",
                endpoint
                    .optional_auth
                    .map(AuthStyle::header)
                    .unwrap_or_default(),
                endpoint.auth.header(),
            ));
            setters.extend(quote! {
                #docs
                pub fn #method(mut self, #arg: #param) -> Self {
                    self.__call.set_auth(#auth);
                    self
                }
            });
        }
        let setters = (!setters.is_empty()).then(|| quote!(impl #request { #setters }));
        let validate = (!checks.is_empty()).then(|| {
            quote! {
                fn validate(&self) -> ::std::result::Result<(), #rt::Error> {
                    #checks
                    ::std::result::Result::Ok(())
                }
            }
        });
        let query = (!query.is_empty()).then(|| {
            quote! {
                fn query(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                    let mut query = ::std::vec::Vec::new();
                    #query
                    query
                }
            }
        });
        let decode = match &endpoint.response {
            Some(r) if r.content == Content::Text => quote!(#rt::__private::decode_text(body)),
            Some(_) => quote!(#rt::__private::decode_json(body)),
            None => quote!(#rt::__private::decode_empty(body)),
        };
        let reply_item = endpoint.response.as_ref().and_then(|r| {
            let fields = r.fields.as_ref()?;
            let ident = format_ident!("{}Response", camel(&endpoint.name));
            let docs = format!(
                "Reply of [`{accessor}::{}`]{}",
                endpoint.name,
                r.docs
                    .as_deref()
                    .map(|d| format!(": {}", d.trim()))
                    .unwrap_or_else(|| ".".into())
            );
            Some(self.object(&ident, &docs, fields, false, Site::Group))
        });
        quote! {
            #docs
            #[derive(::std::clone::Clone, ::std::fmt::Debug, #rt::__private::serde::Serialize)]
            #[serde(crate = #serde_crate)]
            #[must_use = "a request does nothing until it is `.await`ed"]
            pub struct #request {
                #[serde(skip)]
                __call: #rt::__private::Call,
                #members
            }

            #setters

            impl #rt::__private::Request for #request {
                type Response = #reply;

                fn call(&self) -> &#rt::__private::Call {
                    &self.__call
                }

                fn decode(body: &[u8]) -> ::std::result::Result<#reply, #rt::__private::serde_json::Error> {
                    #decode
                }

                #validate
                #query
            }

            impl ::std::future::IntoFuture for #request {
                type Output = ::std::result::Result<#reply, #rt::Error>;
                type IntoFuture = #rt::__private::ResponseFuture<#reply>;

                fn into_future(self) -> Self::IntoFuture {
                    #rt::__private::send(self)
                }
            }

            #reply_item
        }
    }
}
