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
use super::{Gen, Site, doc};

impl Gen<'_> {
    /// For an auth style whose credential the caller passes: the argument's name and type, and
    /// the runtime's `Call` constructor / `Credential` variant for it.
    fn credential_arg(&self, style: AuthStyle) -> Option<(Ident, TokenStream, Ident, TokenStream)> {
        let (arg, ty, ctor) = style.credential()?;
        let arg = format_ident!("{arg}");
        let ty = format_ident!("{ty}");
        let variant = format_ident!("{ty}");
        Some((
            arg.clone(),
            quote!(&__rt::#ty),
            format_ident!("{ctor}"),
            quote!(__rt::Credential::#variant(#arg)),
        ))
    }

    /// The name of an endpoint's static (`UPDATE_EMAIL`).
    pub(super) fn endpoint_static(endpoint: &Endpoint) -> Ident {
        format_ident!("{}", endpoint.name.to_uppercase())
    }

    /// The reply type of an endpoint, named from its group module. `__rt::endpoint!` reads the
    /// body of a `()` reply as empty and of a `String` one as text (no spec type may be named
    /// `String`), any other as JSON.
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
        let endpoint_static = Self::endpoint_static(endpoint);
        let call = match (endpoint.auth, self.credential_arg(endpoint.auth)) {
            (_, Some((arg, param, ctor, _))) => {
                args.push(quote!(#arg: #param));
                quote!(__rt::Call::#ctor(self.0, &#endpoint_static, #arg))
            }
            (AuthStyle::Management, None) if management => {
                quote!(__rt::Call::management(self.0, &#endpoint_static))
            }
            (AuthStyle::Project, None) => {
                quote!(__rt::Call::project(self.0, &#endpoint_static))
            }
            _ => quote!(__rt::Call::none(self.0, &#endpoint_static)),
        };
        let mut segments = Vec::new();
        let mut inits = TokenStream::new();
        for param in &endpoint.params {
            let ident = format_ident!("{}", param.rust);
            let wire = &param.wire;
            if param.source.is_some() {
                segments.push(quote!((#wire, self.0.project_id())));
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
        let call = if segments.is_empty() {
            call
        } else {
            quote!(#call.path(&[#(#segments),*]))
        };
        let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let docs = doc(&format!(
            "{}\n\n`{} {}`, sent with {}{}.{}",
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
                format!(" Arguments:\n{arg_docs}")
            },
        ));
        quote! {
            #docs
            #many
            pub fn #name(&self, #(#args),*) -> #request {
                #request {
                    __call: #call,
                    #inits
                }
            }
        }
    }

    /// The request type, its setters and its `Request` and `IntoFuture` impls.
    pub(super) fn endpoint_items(&self, group_id: GroupId, endpoint: &Endpoint) -> TokenStream {
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
                let docs = format!("{} Sent as `{wire}`.", param_doc(param));
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
            && let Some((arg, param, _, credential)) = self.credential_arg(optional)
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
            "Request of [`{}::{}`]: `.await` it to send it; its methods set optional fields.",
            group.type_name, endpoint.name,
        ));
        let endpoint_static = Self::endpoint_static(endpoint);
        let id = &endpoint.id;
        let path = &endpoint.path.text;
        let ctor = format_ident!("{}", endpoint.method.as_str().to_lowercase());
        let setters = (!setters.is_empty()).then(|| quote!(impl #request { #setters }));
        let has_body = endpoint.method.has_body();
        let writes_body = has_body.then(|| quote!(out.body([#(#body),*]);));
        let writes_query = (!query.is_empty()).then(|| quote!(out.query([#(#query),*]);));
        let out = if has_body || !query.is_empty() {
            quote!(out)
        } else {
            quote!(_out)
        };
        let paging = self.paging(group_id, endpoint, &request);
        quote! {
            __rt::endpoint!(#request => #reply; #endpoint_static, #ctor, #id, #path);

            #docs
            #[derive(Clone, Debug)]
            #[must_use = "a request does nothing until it is `.await`ed"]
            pub struct #request {
                __call: __rt::Call,
                #members
            }

            #setters

            impl __rt::Encode for #request {
                fn encode(self, #out: &mut __rt::Encoder) -> __rt::Result<__rt::Call> {
                    #checks
                    #writes_body
                    #writes_query
                    Ok(self.__call)
                }
            }

            #paging
        }
    }

    /// For a search that pages: its `Paged` impl and `into_stream`.
    fn paging(&self, group: GroupId, endpoint: &Endpoint, request: &Ident) -> TokenStream {
        let (Some(paging), Reply::Object(reply)) = (endpoint.paging, &endpoint.reply) else {
            return TokenStream::new();
        };
        let site = Site::Group(group);
        let read = |param: &Param| {
            let ident = format_ident!("{}", param.rust);
            if param.is_option() {
                quote!(self.#ident.map_or(0, i64::from))
            } else {
                quote!(i64::from(self.#ident))
            }
        };
        let page_param = &endpoint.params[paging.page];
        let page = read(page_param);
        let limit = read(&endpoint.params[paging.limit]);
        let page_ident = format_ident!("{}", page_param.rust);
        let value = match page_param.ty {
            Type::Int32 => quote!(__rt::page_i32(page)),
            _ => quote!(page),
        };
        let set = if page_param.is_option() {
            quote!(self.#page_ident = Some(#value);)
        } else {
            quote!(self.#page_ident = #value;)
        };
        let fields = self.api.ty(*reply).fields();
        let items = &fields[paging.items];
        let items_ident = format_ident!("{}", items.rust);
        let item_ty = match &items.ty {
            Type::Array(inner) => self.rust_ty(inner, false, site),
            other => self.rust_ty(other, false, site),
        };
        let take_items = if items.option {
            quote!(reply.#items_ident.unwrap_or_default())
        } else {
            quote!(reply.#items_ident)
        };
        let total = match paging.total.map(|t| &fields[t]) {
            None => quote!(None),
            Some(total) => {
                let ident = format_ident!("{}", total.rust);
                if total.option {
                    quote!(reply.#ident.map(i64::from))
                } else {
                    quote!(Some(i64::from(reply.#ident)))
                }
            }
        };
        let docs = doc(&format!(
            "Every `{}` of every page, fetched page by page as the stream is read, from the page \
             this request asks for (see [`Pages`]({}::Pages) for when it stops and how it waits \
             out rate limits).",
            items.wire,
            self.rt().to_string().replace(' ', "")
        ));
        quote! {
            impl __rt::Paged for #request {
                type Item = #item_ty;

                fn page(&self) -> i64 {
                    #page
                }

                fn limit(&self) -> i64 {
                    #limit
                }

                fn set_page(&mut self, page: i64) {
                    #set
                }

                fn split(reply: Self::Reply) -> (Vec<Self::Item>, Option<i64>) {
                    (#take_items, #total)
                }
            }

            impl #request {
                #docs
                pub fn into_stream(self) -> __rt::Pages<Self> {
                    __rt::Pages::new(self)
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
