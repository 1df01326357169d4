//! The `generate!` macro: Descope API endpoints from JSON spec files, at compile time.
//!
//! A thin shim over `descope-codegen`: it parses its arguments, resolves the spec folder, and turns
//! the generator's located diagnostics into compile errors. Use it through `descope_api::generate!`.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// Generates typed requests, replies and client methods from a folder of spec files.
///
/// ```ignore
/// descope_api::generate! {
///     spec: "spec",                 // folder, relative to the invoking crate's Cargo.toml
///     relative_to: manifest,        // or `file`: relative to the invoking source file
///     runtime: ::descope_api,       // path of the runtime crate (default shown)
///     client_ext: MyEndpoints,      // accessors as an extension trait (needed outside descope-api)
/// }
/// ```
///
/// Every file read is tracked with `include_bytes!`, so editing one rebuilds the crate; a build
/// script printing `cargo:rerun-if-changed=<folder>` makes adding a file rebuild it too.
#[proc_macro]
pub fn generate(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let args = match syn::parse::<Args>(input) {
        Ok(args) => args,
        Err(e) => return e.to_compile_error().into(),
    };
    let caller_file = proc_macro::Span::call_site().local_file();
    let expanded = std::panic::catch_unwind(|| expand(&args, caller_file));
    match expanded {
        Ok(tokens) => tokens.into(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            let message = format!(
                "descope-macros crashed (this is a bug in descope-macros, please report it): {what}"
            );
            quote!(::core::compile_error!(#message);).into()
        }
    }
}

struct Args {
    spec: LitStr,
    relative_to_file: bool,
    runtime: Option<syn::Path>,
    client_ext: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut spec = None;
        let mut relative_to_file = false;
        let mut runtime = None;
        let mut client_ext = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "spec" => spec = Some(input.parse::<LitStr>()?),
                "relative_to" => {
                    let base: Ident = input.parse()?;
                    relative_to_file = match base.to_string().as_str() {
                        "manifest" => false,
                        "file" => true,
                        _ => {
                            return Err(syn::Error::new(
                                base.span(),
                                "expected `manifest` or `file`",
                            ));
                        }
                    };
                }
                "runtime" => runtime = Some(input.parse()?),
                "client_ext" => client_ext = Some(input.parse()?),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        "unknown argument; expected `spec`, `relative_to`, `runtime` or `client_ext`",
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let spec = spec.ok_or_else(|| input.error("missing `spec: \"<folder>\"`"))?;
        Ok(Args {
            spec,
            relative_to_file,
            runtime,
            client_ext,
        })
    }
}

fn expand(args: &Args, caller_file: Option<PathBuf>) -> TokenStream {
    let span = args.spec.span();
    let written = args.spec.value();
    let base = if args.relative_to_file {
        caller_file.and_then(|f| f.parent().map(PathBuf::from))
    } else {
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
    };
    let Some(base) = base else {
        let message =
            "cannot resolve the spec folder: no CARGO_MANIFEST_DIR (or source file) is known";
        return quote_spanned!(span=> ::core::compile_error!(#message););
    };
    let mut options = descope_codegen::Options::default();
    if let Some(runtime) = &args.runtime {
        options.runtime = quote!(#runtime);
    }
    options.client_ext = args.client_ext.clone();
    let expansion = descope_codegen::expand_dir(&base.join(&written), &written, &options);
    let tracked = expansion.files.iter().map(|path| {
        let path = path.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    // On a spec error: every problem as a compile error, and next to them the API generated
    // from the model completed around the problems, so the user's own code compiles against it
    // and they see the real errors only, not a cascade (thiserror's `fallback.rs` idea).
    let errors = expansion.diagnostics.0.iter().map(|d| {
        let message = d.to_string();
        quote_spanned!(span=> ::core::compile_error!(#message);)
    });
    let tokens = expansion.tokens;
    quote! {
        #(#errors)*
        #(#tracked)*
        #tokens
    }
}
