//! One endpoint: a method on the group's accessor and a request type.
//!
//! The method takes the credential, the path parameters and the required fields as arguments,
//! so none can be forgotten; it returns the request, whose setters fill optional fields and
//! which sends itself when awaited (`IntoFuture`). What the request does when sent is the
//! runtime's: the request only lists its fields for the encoder and names its reply.

use descope_spec::{
    AuthStyle, Endpoint, Format, GroupId, Handle, Param, Place, Presence, Reply, Type,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{Setter, field_doc};
use super::{Gen, Site, doc, summary};

impl Gen<'_> {
    /// For an auth style whose credential the caller passes: the argument's name and type.
    fn credential_arg(&self, style: AuthStyle) -> Option<(Ident, TokenStream, TokenStream)> {
        let rt = self.rt();
        let (arg, ty, _) = style.credential()?;
        let arg = format_ident!("{arg}");
        let ty = format_ident!("{ty}");
        let variant = match style {
            AuthStyle::Refresh => quote!(Refresh),
            AuthStyle::Session => quote!(Session),
            _ => quote!(AccessKey),
        };
        Some((
            arg.clone(),
            quote!(&#rt::#ty),
            quote!(__rt::Credential::#variant(#arg)),
        ))
    }

    /// The reply type of an endpoint, named from its group module.
    fn reply_ty(&self, group: GroupId, endpoint: &Endpoint) -> TokenStream {
        let site = Site::Group(group);
        match endpoint.reply {
            Reply::Empty => quote!(()),
            Reply::Text => quote!(String),
            Reply::Object(id) => self.type_path(id, site),
            Reply::Array(id) => {
                let item = self.type_path(id, site);
                quote!(Vec<#item>)
            }
        }
    }

    /// The method on the group's accessor.
    pub(super) fn endpoint_method(&self, group_id: GroupId, endpoint: &Endpoint) -> TokenStream {
        let group = self.api.group(group_id);
        let site = Site::Group(group_id);
        let name = format_ident!("{}", endpoint.name);
        let request = format_ident!("{}", endpoint.request);
        let management = group.handle == Handle::Management;
        let mut args = Vec::new();
        let mut arg_docs = String::new();
        let client = if management {
            quote!(self.client.client())
        } else {
            quote!(self.client)
        };
        let credential = match (endpoint.auth, self.credential_arg(endpoint.auth)) {
            (_, Some((arg, param, credential))) => {
                args.push(quote!(#arg: #param));
                arg_docs.push_str(&format!(
                    "- `{arg}`: the caller's credential for this endpoint.\n"
                ));
                credential
            }
            (AuthStyle::Management, None) if management => {
                quote!(__rt::Credential::Management(self.client))
            }
            (AuthStyle::Project, None) => quote!(__rt::Credential::Project),
            _ => quote!(__rt::Credential::None),
        };
        let mut segments = Vec::new();
        let mut inits = TokenStream::new();
        for param in &endpoint.params {
            let ident = format_ident!("{}", param.rust);
            let wire = &param.wire;
            if param.source.is_some() {
                segments.push(quote!((#wire, self.client.project_id())));
                arg_docs.push_str(&format!(
                    "- `{wire}` in the path is the client's project ID.\n"
                ));
                continue;
            }
            if param.is_argument() {
                arg_docs.push_str(&format!(
                    "- `{ident}` (`{wire}`): {}\n",
                    param_doc(param).replace("\n\n", " ").replace('\n', " ")
                ));
            }
            match param.place {
                Place::Path => {
                    if matches!(param.ty, Type::Enum(_)) {
                        let ty = self.rust_ty(&param.ty, false, site);
                        args.push(quote!(#ident: #ty));
                        segments.push(quote!((#wire, #ident.as_str())));
                    } else {
                        args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
                        segments.push(quote!((#wire, #ident.as_ref())));
                    }
                }
                _ if param.is_argument() => {
                    let (arg_ty, convert) = self.arg(&param.ty, param.secret, site, &ident);
                    args.push(quote!(#ident: #arg_ty));
                    inits.extend(quote!(#ident: #convert,));
                }
                _ => {
                    let init = self.initial(&param.ty, &param.presence, param.is_option(), site);
                    inits.extend(quote!(#ident: #init,));
                }
            }
        }
        let method = format_ident!("{}", camel_method(endpoint.method.as_str()));
        let id = &endpoint.id;
        let path = &endpoint.path.text;
        let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let optional = endpoint
            .params
            .iter()
            .any(|p| !p.is_argument() && p.source.is_none());
        let docs = doc(&format!(
            "{}\n\n`{} {}`, sent with {}{}.\n\n{}The returned [`{request}`] sends itself when \
             `.await`ed{}.",
            endpoint.docs.trim(),
            endpoint.method.as_str(),
            endpoint.path.text,
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
                #request {
                    __call: __rt::Call::new(
                        #client,
                        &__rt::Endpoint {
                            id: #id,
                            method: __rt::Method::#method,
                            path: #path,
                        },
                        #credential,
                        &[#(#segments),*],
                    ),
                    #inits
                }
            }
        }
    }

    /// The request type, its setters and its `Request` and `IntoFuture` impls.
    pub(super) fn endpoint_items(&self, group_id: GroupId, endpoint: &Endpoint) -> TokenStream {
        let rt = self.rt();
        let group = self.api.group(group_id);
        let site = Site::Group(group_id);
        let request = format_ident!("{}", endpoint.request);
        let reply = self.reply_ty(group_id, endpoint);
        let mut members = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut checks = TokenStream::new();
        let mut body = Vec::new();
        let mut query = Vec::new();
        for param in endpoint.params.iter().filter(|p| p.place != Place::Path) {
            let ident = format_ident!("{}", param.rust);
            let wire = &param.wire;
            let base = self.rust_ty(&param.ty, param.secret, site);
            let member_ty = if param.is_option() {
                quote!(Option<#base>)
            } else {
                base
            };
            members.extend(quote!(#ident: #member_ty,));
            match param.place {
                Place::Query => query.push(quote!((#wire, &self.#ident))),
                _ => body.push(quote!((#wire, &self.#ident))),
            }
            checks.extend(self.value_checks(
                &param.ty,
                (
                    param.secret,
                    param.format,
                    param.presence == Presence::Required,
                ),
                &quote!(self.#ident),
                param.is_option(),
                wire,
                0,
            ));
            if !param.is_argument() {
                let docs = format!("{}\n\nSent as `{wire}`.", param_doc(param));
                let setter = Setter {
                    rust: &param.rust,
                    ty: &param.ty,
                    secret: param.secret,
                    option: param.is_option(),
                };
                setters.extend(self.setter(setter, site, &docs));
            }
        }
        if let Some(optional) = endpoint.optional_auth
            && let Some((arg, param, credential)) = self.credential_arg(optional)
        {
            let method = format_ident!("with_{}", arg);
            let docs = doc(&format!(
                "Sends the call with {} instead of {}: Descope needs the user's credential here \
                 for step-up and MFA (`stepup` / `mfa` in the login options).",
                optional.header(),
                endpoint.auth.header(),
            ));
            setters.extend(quote! {
                #docs
                pub fn #method(mut self, #arg: #param) -> Self {
                    self.__call.set_auth(#credential);
                    self
                }
            });
        }
        let docs = doc(&format!(
            "Request of [`{}::{}`]: {}\n\n`{} {}`. Required values were given to the method; \
             optional ones are set with the methods of this type. `.await` it to send it.",
            group.type_name,
            endpoint.name,
            summary(&endpoint.docs),
            endpoint.method.as_str(),
            endpoint.path.text,
        ));
        let setters = (!setters.is_empty()).then(|| quote!(impl #request { #setters }));
        let has_body = endpoint.method.has_body();
        let writes_body = has_body.then(|| quote!(out.body(&[#(#body),*]);));
        let writes_query = (!query.is_empty()).then(|| quote!(out.query(&[#(#query),*]);));
        let out = if has_body || !query.is_empty() {
            quote!(out)
        } else {
            quote!(_out)
        };
        let decode = match endpoint.reply {
            Reply::Text => quote!(decode_text),
            Reply::Empty => quote!(decode_empty),
            Reply::Object(_) | Reply::Array(_) => quote!(decode_json),
        };
        quote! {
            #docs
            #[derive(Clone, Debug)]
            #[must_use = "a request does nothing until it is `.await`ed"]
            pub struct #request {
                __call: __rt::Call,
                #members
            }

            #setters

            impl __rt::Request for #request {
                type Reply = #reply;

                fn encode(self, #out: &mut __rt::Encoder) -> Result<__rt::Call, #rt::Error> {
                    #checks
                    #writes_body
                    #writes_query
                    Ok(self.__call)
                }

                fn decode(body: &[u8]) -> Result<#reply, __rt::DecodeError> {
                    __rt::#decode(body)
                }
            }

            impl ::std::future::IntoFuture for #request {
                type Output = Result<#reply, #rt::Error>;
                type IntoFuture = #rt::ResponseFuture<#reply>;

                fn into_future(self) -> Self::IntoFuture {
                    __rt::send(self)
                }
            }
        }
    }

    /// The checks run before sending on the value at `place` (an expression): emptiness of
    /// required strings, `format`s, and the same for the fields of the input types it holds
    /// (named like `user.email` in errors). `option` says whether the value is an `Option`.
    fn value_checks(
        &self,
        ty: &Type,
        rules: (bool, Option<Format>, bool),
        place: &TokenStream,
        option: bool,
        path: &str,
        depth: usize,
    ) -> TokenStream {
        let binding = format_ident!("value{}", depth);
        let by_ref = if option || matches!(ty, Type::Object(_)) {
            quote!(#binding)
        } else {
            quote!(&#place)
        };
        let body = self.checks_on(ty, rules, &by_ref, path, depth);
        if body.is_empty() {
            body
        } else if option {
            quote! {
                if let Some(#binding) = &#place {
                    #body
                }
            }
        } else if matches!(ty, Type::Object(_)) {
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
        ty: &Type,
        (secret, format, required): (bool, Option<Format>, bool),
        value: &TokenStream,
        path: &str,
        depth: usize,
    ) -> TokenStream {
        match ty {
            Type::String => {
                let check = match format {
                    Some(Format::Email) => quote!(check_email),
                    Some(Format::Phone) => quote!(check_phone),
                    None if required => quote!(check_required),
                    None => return TokenStream::new(),
                };
                let expose = secret.then(|| quote!(.expose_secret()));
                quote!(__rt::#check(#path, #value #expose)?;)
            }
            // Input types: check their fields too (to a bounded depth, in case a type ever
            // contains itself).
            Type::Object(id) if depth < 4 => {
                let mut out = TokenStream::new();
                for nested in self.api.ty(*id).fields() {
                    let ident = format_ident!("{}", nested.rust);
                    out.extend(self.value_checks(
                        &nested.ty,
                        (
                            nested.secret,
                            nested.format,
                            nested.presence == Presence::Required,
                        ),
                        &quote!(#value.#ident),
                        nested.option,
                        &format!("{path}.{}", nested.wire),
                        depth + 1,
                    ));
                }
                out
            }
            Type::Array(item) if matches!(**item, Type::Object(_)) && depth < 4 => {
                let each = format_ident!("item{}", depth);
                let inner = self.checks_on(
                    item,
                    (false, None, false),
                    &quote!(#each),
                    &format!("{path}[]"),
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
}

/// A parameter's docs, with its default and format check.
fn param_doc(param: &Param) -> String {
    field_doc(&param.docs, &param.presence, param.format)
}

/// `POST` → `Post`.
fn camel_method(method: &str) -> String {
    let mut out = method[..1].to_owned();
    out.push_str(&method[1..].to_lowercase());
    out
}
