//! The `generate!` macro: Descope API endpoints from JSON spec files, at compile time.
//!
//! A thin shim over `descope-codegen`: it parses its arguments, resolves the spec folder, and turns
//! the generator's located diagnostics into compile errors. Use it through `descope_api::generate!`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use descope_codegen::{Api, Options};
use proc_macro2::{Span, TokenStream};
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
    /// Set on the nested invocations the macro emits itself: the area whose module contents to
    /// generate, and the fingerprint of the spec files the outer invocation resolved.
    area: Option<(LitStr, u64)>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut spec = None;
        let mut relative_to_file = false;
        let mut runtime = None;
        let mut client_ext = None;
        let mut area = None;
        let mut fingerprint = None;
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
                "__area" => area = Some(input.parse::<LitStr>()?),
                "__key" => fingerprint = Some(input.parse::<syn::LitInt>()?.base10_parse::<u64>()?),
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
            area: area.map(|area| (area, fingerprint.unwrap_or_default())),
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
    let dir = base.join(&written);
    if let Some((area, key)) = &args.area {
        return nested(&dir, &written, area, *key, &options);
    }
    let (api, diagnostics) = descope_codegen::spec::load_recovering(&dir, &written);
    let files: Vec<PathBuf> = api.files.iter().filter_map(|f| f.path.clone()).collect();
    let tracked = files.iter().map(|path| {
        let path = path.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });
    // On a spec error: every problem as a compile error, and next to them the API generated
    // from the model completed around the problems, so the user's own code compiles against it
    // and they see the real errors only, not a cascade (thiserror's `fallback.rs` idea).
    let errors = expansion_errors(&diagnostics, span);
    let tokens = if diagnostics.is_empty() {
        // Each area's module holds a nested invocation for its contents: rustc expands it only
        // when the module's cfg is on, so a build pays the generator and the parsing of the
        // generated code for the areas it compiles only. The nested invocations reuse this
        // model (same rustc process, same spec files), or resolve the folder again.
        let key = fingerprint(&files);
        let rt = &options.runtime;
        let dir_text = dir.to_string_lossy().into_owned();
        let client_ext = args
            .client_ext
            .as_ref()
            .map(|ext| quote!(client_ext: #ext,));
        let tokens = descope_codegen::generate_split(&api, &options, |area| {
            Some(quote! {
                #rt::generate! {
                    spec: #dir_text, runtime: #rt, #client_ext __area: #area, __key: #key
                }
            })
        });
        remember(dir, key, api);
        tokens
    } else {
        descope_codegen::generate(&api, &options)
    };
    quote! {
        #(#errors)*
        #(#tracked)*
        #tokens
    }
}

/// Every diagnostic as a `compile_error!` at `span`.
fn expansion_errors(diagnostics: &descope_codegen::Diagnostics, span: Span) -> Vec<TokenStream> {
    diagnostics
        .0
        .iter()
        .map(|d| {
            let message = d.to_string();
            quote_spanned!(span=> ::core::compile_error!(#message);)
        })
        .collect()
}

/// A nested invocation: the contents of one area's module, from the model the outer invocation
/// resolved when it is still in memory with the same fingerprint, else from the folder again.
fn nested(dir: &Path, written: &str, area: &LitStr, key: u64, options: &Options) -> TokenStream {
    let span = area.span();
    let api = match recall(dir, key) {
        Some(api) => api,
        None => {
            let (api, diagnostics) = descope_codegen::spec::load_recovering(dir, written);
            if !diagnostics.is_empty() {
                let errors = expansion_errors(&diagnostics, span);
                return quote!(#(#errors)*);
            }
            Arc::new(api)
        }
    };
    match descope_codegen::generate_area(&api, &area.value(), options) {
        Some(tokens) => tokens,
        None => {
            let message = format!("the spec folder has no area `{}`", area.value());
            quote_spanned!(span=> ::core::compile_error!(#message);)
        }
    }
}

/// Models resolved by outer invocations in this process, by folder and fingerprint. A compile
/// of one crate expands the outer invocation and then its nested ones in the same rustc process;
/// a long-lived process (an IDE's) keeps the latest model of each folder only.
static MODELS: Mutex<Vec<(PathBuf, u64, Arc<Api>)>> = Mutex::new(Vec::new());

fn remember(dir: PathBuf, key: u64, api: Api) {
    let mut models = MODELS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    models.retain(|(d, _, _)| *d != dir);
    models.push((dir, key, Arc::new(api)));
}

fn recall(dir: &Path, key: u64) -> Option<Arc<Api>> {
    let models = MODELS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_, k, api) = models.iter().find(|(d, _, _)| d == dir)?;
    // The files may have changed since (an IDE re-expanding): the fingerprint says.
    if *k != key {
        return None;
    }
    let files: Vec<PathBuf> = api.files.iter().filter_map(|f| f.path.clone()).collect();
    (fingerprint(&files) == key).then(|| api.clone())
}

/// A hash of the paths and contents of `files` (an unreadable file hashes as empty).
fn fingerprint(files: &[PathBuf]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}
