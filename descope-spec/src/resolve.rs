//! Files → [`Api`]: every check, and every decision, made once.
//!
//! Resolution never stops at the first problem. Each one goes to the [`Ctxt`] with its file,
//! entry and position, and the model is completed around it (an unknown type becomes
//! [`Type::Any`], a duplicate is left out, a bad default is dropped), so that one run reports
//! every problem and the macro can still generate the rest of the API: the user then sees the
//! real error and no follow-on errors in their own code.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::api::{
    Api, Area, AreaId, Endpoint, Field, FileId, Group, GroupId, Handle, Param, PathTemplate, Place,
    Presence, Reply, Scope, Segment, SourceFile, Type, TypeDef, TypeId, TypeKind, Variant,
};
use crate::ctxt::Ctxt;
use crate::file::{self, AuthStyle, Content};
use crate::load::{Spec, SpecFile};
use crate::names;
use crate::ty::Ty;

/// Resolves a read spec into the model, reporting every problem to `cx`.
pub fn resolve(spec: &Spec, cx: &Ctxt) -> Api {
    let mut r = Resolver {
        spec,
        cx,
        api: Api::default(),
        types: HashMap::new(),
        poisoned: HashSet::new(),
        accessors: HashMap::new(),
    };
    r.areas_and_files();
    r.declare_types();
    r.groups();
    r.define_types();
    r.endpoints();
    r.reachability();
    r.decide_options();
    r.api
}

/// Where a raw field list sits, which decides what its fields may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Param(Place),
    Object,
    Reply,
}

struct Resolver<'s> {
    spec: &'s Spec,
    cx: &'s Ctxt,
    api: Api,
    /// Shared types by (area, name).
    types: HashMap<(String, String), TypeId>,
    /// Types declared with a bad name: references to them resolve quietly (already reported).
    poisoned: HashSet<(String, String)>,
    /// Accessor names per handle, with the file declaring them.
    accessors: HashMap<(bool, String), String>,
}

impl<'s> Resolver<'s> {
    fn file(&self, id: FileId) -> &'s SpecFile {
        &self.spec.files[id.0]
    }

    fn error(&self, file: FileId, pointer: &str, message: impl Into<String>) {
        self.cx.push(self.file(file).error(pointer, message));
    }

    /// Every entry must say what it is: `import` writes new entries with empty docs, and they
    /// must not build until a person has described them.
    fn docs(&self, file: FileId, at: &str, what: &str, docs: &str) {
        if docs.trim().is_empty() {
            self.error(
                file,
                &format!("{at}/docs"),
                format!("{what} has empty `docs`; describe it in your own words"),
            );
        }
    }

    fn area_id(&self, name: &str) -> Option<AreaId> {
        self.api
            .areas
            .iter()
            .position(|a| a.name == name)
            .map(AreaId)
    }

    fn areas_and_files(&mut self) {
        for (i, file) in self.spec.files.iter().enumerate() {
            let id = FileId(i);
            let name = file.area_name();
            let area = match self.area_id(name) {
                Some(area) => area,
                None => {
                    if !name.is_empty() && !names::is_snake_ident(name) {
                        self.error(
                            id,
                            "",
                            format!(
                                "area folder `{name}` must be a snake_case identifier: it becomes \
                                 the Rust module `{name}`"
                            ),
                        );
                    }
                    self.api.areas.push(Area {
                        name: name.to_owned(),
                        docs: None,
                        feature: None,
                        group_features: false,
                        groups: Vec::new(),
                        types: Vec::new(),
                    });
                    AreaId(self.api.areas.len() - 1)
                }
            };
            self.api.files.push(SourceFile {
                display: file.display.clone(),
                rel: file.rel.clone(),
                path: file.path.clone(),
                area,
                group: None,
            });
            let spec = &file.spec;
            if file.is_area_file() {
                if spec.group.is_some() || !spec.types.is_empty() || !spec.endpoints.is_empty() {
                    self.error(
                        id,
                        "",
                        "`area.json` describes the area only: it holds `area` and no `group`, \
                         `types` or `endpoints`",
                    );
                }
                match &spec.area {
                    None => self.error(id, "", "`area.json` must hold an `area`"),
                    Some(desc) => self.area_desc(id, area, desc),
                }
            } else if spec.area.is_some() {
                self.error(
                    id,
                    "/area",
                    "an `area` is described in the `area.json` at the top of its folder",
                );
            }
        }
    }

    fn area_desc(&mut self, file: FileId, area: AreaId, desc: &file::AreaSpec) {
        self.docs(file, "/area", "area", &desc.docs);
        for (key, value) in [
            ("feature", &desc.feature),
            ("group_features", &desc.group_features),
        ] {
            if let Some(value) = value
                && !is_feature_name(value.trim_end_matches('-'))
            {
                self.error(
                    file,
                    &format!("/area/{key}"),
                    format!("`{value}` is not a cargo feature name (`a-z`, `0-9`, `-`, `_`)"),
                );
            }
        }
        let area = &mut self.api.areas[area.0];
        area.docs = Some(desc.docs.clone());
        area.feature = desc.feature.clone();
        area.group_features = desc.group_features.is_some();
    }

    /// Indexes every shared type by (area, name) before anything refers to them.
    fn declare_types(&mut self) {
        let mut first_seen: HashMap<(String, String), String> = HashMap::new();
        for (i, file) in self.spec.files.iter().enumerate() {
            let id = FileId(i);
            let area = self.api.files[i].area;
            let area_name = self.api.area(area).name.clone();
            for (t, def) in file.spec.types.iter().enumerate() {
                let at = format!("/types/{t}");
                let key = (area_name.clone(), def.name.clone());
                if !names::is_camel_ident(&def.name) {
                    self.error(
                        id,
                        &format!("{at}/name"),
                        format!("type name `{}` must be UpperCamelCase", def.name),
                    );
                    self.poisoned.insert(key);
                    continue;
                }
                if names::RESERVED_TYPE_NAMES.contains(&def.name.as_str()) {
                    self.error(
                        id,
                        &format!("{at}/name"),
                        format!(
                            "type name `{}` is reserved: generated code uses it for a standard \
                             or runtime type; choose another name",
                            def.name
                        ),
                    );
                    self.poisoned.insert(key);
                    continue;
                }
                if let Some(first) = first_seen.get(&key) {
                    self.error(
                        id,
                        &format!("{at}/name"),
                        format!("type `{}` is already declared in {first}", def.name),
                    );
                    continue;
                }
                first_seen.insert(key.clone(), file.display.clone());
                let kind = if def.variants.is_some() && def.fields.is_none() {
                    TypeKind::Enum(Vec::new())
                } else {
                    TypeKind::Object(Vec::new())
                };
                let type_id = TypeId(self.api.types.len());
                self.api.types.push(TypeDef {
                    name: def.name.clone(),
                    docs: def.docs.clone(),
                    area,
                    scope: Scope::Area(area),
                    file: id,
                    kind,
                    in_requests: false,
                    in_replies: false,
                    used_by: BTreeSet::new(),
                    failures: Vec::new(),
                });
                self.api.areas[area.0].types.push(type_id);
                self.types.insert(key, type_id);
            }
        }
    }

    fn groups(&mut self) {
        for (i, file) in self.spec.files.iter().enumerate() {
            let id = FileId(i);
            let Some(group) = &file.spec.group else {
                if !file.spec.endpoints.is_empty() {
                    self.error(id, "", "a file with endpoints must declare its `group`");
                }
                continue;
            };
            self.docs(
                id,
                "/group",
                &format!("group `{}`", group.name),
                &group.docs,
            );
            if !names::is_snake_ident(&group.name) {
                self.error(
                    id,
                    "/group/name",
                    format!(
                        "group name `{}` must be a snake_case identifier",
                        group.name
                    ),
                );
                continue;
            }
            let area = self.api.files[i].area;
            let endpoints = &file.spec.endpoints;
            let management = endpoints
                .iter()
                .filter(|e| e.auth == AuthStyle::Management)
                .count();
            let handle = if management > 0 && management == endpoints.len() {
                Handle::Management
            } else {
                Handle::Client
            };
            let accessor = (handle == Handle::Management, group.name.clone());
            if let Some(first) = self.accessors.get(&accessor) {
                self.error(
                    id,
                    "/group/name",
                    format!(
                        "group `{}` is already declared in {first}: its accessor `{}()` would \
                         clash on `{}`",
                        group.name,
                        group.name,
                        match handle {
                            Handle::Client => "Client",
                            Handle::Management => "ManagementClient",
                        }
                    ),
                );
                continue;
            }
            self.accessors.insert(accessor, file.display.clone());
            let feature = self
                .file_area_spec(area)
                .and_then(|d| d.group_features.as_ref())
                .map(|prefix| format!("{prefix}{}", group.name.replace('_', "-")));
            let group_id = GroupId(self.api.groups.len());
            self.api.groups.push(Group {
                area,
                file: id,
                name: group.name.clone(),
                type_name: names::camel(&group.name),
                docs: group.docs.clone(),
                handle,
                feature,
                endpoints: Vec::new(),
            });
            self.api.areas[area.0].groups.push(group_id);
            self.api.files[i].group = Some(group_id);
        }
    }

    /// The `area.json` description of `area`, if it has one.
    fn file_area_spec(&self, area: AreaId) -> Option<&'s file::AreaSpec> {
        self.spec
            .files
            .iter()
            .zip(&self.api.files)
            .find(|(f, s)| s.area == area && f.is_area_file())
            .and_then(|(f, _)| f.spec.area.as_ref())
    }

    /// Fills in the fields and values of every shared type.
    fn define_types(&mut self) {
        for (i, file) in self.spec.files.iter().enumerate() {
            let id = FileId(i);
            let area_name = self.api.area(self.api.files[i].area).name.clone();
            for (t, def) in file.spec.types.iter().enumerate() {
                let at = format!("/types/{t}");
                let Some(&type_id) = self.types.get(&(area_name.clone(), def.name.clone())) else {
                    continue;
                };
                if self.api.ty(type_id).file != id {
                    continue; // a duplicate, reported and left out
                }
                self.docs(id, &at, &format!("type `{}`", def.name), &def.docs);
                let kind = match (&def.fields, &def.variants) {
                    (Some(fields), None) => TypeKind::Object(self.fields(
                        id,
                        &format!("{at}/fields"),
                        fields,
                        At::Object,
                    )),
                    (None, Some(variants)) => TypeKind::Enum(self.variants(id, &at, variants)),
                    _ => {
                        self.error(
                            id,
                            &at,
                            format!(
                                "type `{}` must have exactly one of `fields` (an object) or `enum`",
                                def.name
                            ),
                        );
                        TypeKind::Object(Vec::new())
                    }
                };
                self.api.types[type_id.0].kind = kind;
                let failures = self.failures(id, &at, &def.failures, type_id);
                self.api.types[type_id.0].failures = failures;
            }
        }
    }

    /// The `failures` of a type: names of its array or map fields.
    fn failures(&self, file: FileId, at: &str, names: &[String], id: TypeId) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let fields = self.api.ty(id).fields();
            match fields.iter().position(|f| &f.wire == name) {
                Some(index) if matches!(fields[index].ty, Type::Array(_) | Type::Map(_)) => {
                    out.push(index);
                }
                Some(_) => self.error(
                    file,
                    &format!("{at}/failures/{i}"),
                    format!("failure field `{name}` must be an array or a map"),
                ),
                None => self.error(
                    file,
                    &format!("{at}/failures/{i}"),
                    format!("`failures` names `{name}`, which is not a field of this type"),
                ),
            }
        }
        out
    }

    fn variants(&self, file: FileId, at: &str, variants: &[file::Variant]) -> Vec<Variant> {
        if variants.is_empty() {
            self.error(
                file,
                &format!("{at}/enum"),
                "an enum needs at least one value",
            );
        }
        let mut out: Vec<Variant> = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let vat = format!("{at}/enum/{i}");
            self.docs(
                file,
                &vat,
                &format!("enum value `{}`", variant.value),
                &variant.docs,
            );
            if out.iter().any(|v| v.value == variant.value) {
                self.error(
                    file,
                    &format!("{vat}/value"),
                    format!("duplicate enum value `{}`", variant.value),
                );
                continue;
            }
            let rust = variant
                .rust_name
                .clone()
                .unwrap_or_else(|| names::camel(&variant.value));
            if !names::is_camel_ident(&rust) {
                self.error(
                    file,
                    &vat,
                    format!(
                        "enum value `{}` gives the variant name `{rust}`, which is not an \
                         UpperCamelCase identifier; set `rust_name`",
                        variant.value
                    ),
                );
                continue;
            }
            if let Some(other) = out.iter().find(|v| v.rust == rust) {
                self.error(
                    file,
                    &vat,
                    format!(
                        "enum values `{}` and `{}` both become the variant `{rust}`; set \
                         `rust_name` on one",
                        other.value, variant.value
                    ),
                );
                continue;
            }
            out.push(Variant {
                value: variant.value.clone(),
                rust,
                docs: variant.docs.clone(),
            });
        }
        out
    }

    /// Resolves a type expression written in `file`; `None` when it cannot (the problem is
    /// reported, or was, for a type declared with a bad name).
    fn ty(&self, file: FileId, at: &str, text: &str) -> Option<Type> {
        match Ty::parse(text) {
            Ok(ty) => self.resolve_ty(file, at, &ty),
            Err(message) => {
                self.error(file, at, message);
                None
            }
        }
    }

    fn resolve_ty(&self, file: FileId, at: &str, ty: &Ty) -> Option<Type> {
        Some(match ty {
            Ty::String => Type::String,
            Ty::Bool => Type::Bool,
            Ty::Int32 => Type::Int32,
            Ty::Int64 => Type::Int64,
            Ty::Number => Type::Number,
            Ty::Any => Type::Any,
            Ty::Url => Type::Url,
            Ty::RefreshJwt => Type::RefreshJwt,
            Ty::SessionJwt => Type::SessionJwt,
            Ty::Array(inner) => Type::Array(Box::new(self.resolve_ty(file, at, inner)?)),
            Ty::Map(inner) => Type::Map(Box::new(self.resolve_ty(file, at, inner)?)),
            Ty::Named(area, name) => {
                let own = &self.api.area(self.api.files[file.0].area).name;
                let area = area.as_deref().unwrap_or(own);
                let key = (area.to_owned(), name.clone());
                match self.types.get(&key) {
                    Some(&id) if self.api.ty(id).is_enum() => Type::Enum(id),
                    Some(&id) => Type::Object(id),
                    None if self.poisoned.contains(&key) => return None,
                    None => {
                        let hint = if self.area_id(area).is_none() {
                            format!(" (there is no area `{area}`)")
                        } else if area != own.as_str() {
                            format!(" in area `{area}`")
                        } else {
                            String::new()
                        };
                        self.error(file, at, format!("unknown type `{ty}`{hint}"));
                        return None;
                    }
                }
            }
        })
    }

    /// Resolves a field list; `at` is its JSON pointer.
    fn fields(&self, file: FileId, at: &str, fields: &[file::Field], place: At) -> Vec<Field> {
        let mut rust_names = BTreeMap::new();
        self.field_list(file, at, fields, place, &mut rust_names)
            .into_iter()
            .map(|(field, _)| field)
            .collect()
    }

    /// [`Self::fields`], with Rust names taken so far (shared by an endpoint's lists).
    fn field_list(
        &self,
        file: FileId,
        at: &str,
        fields: &[file::Field],
        place: At,
        rust_names: &mut BTreeMap<String, String>,
    ) -> Vec<(Field, Option<file::Source>)> {
        let mut out = Vec::new();
        let mut wire = HashSet::new();
        for (i, raw) in fields.iter().enumerate() {
            let fat = format!("{at}/{i}");
            if !wire.insert(&raw.name) {
                self.error(
                    file,
                    &format!("{fat}/name"),
                    format!("duplicate field `{}`", raw.name),
                );
                continue;
            }
            let rust = raw
                .rust_name
                .clone()
                .unwrap_or_else(|| names::snake(&raw.name));
            if !names::is_snake_ident(&rust) {
                self.error(
                    file,
                    &fat,
                    format!(
                        "field `{}` gives the Rust name `{rust}`, which is not a snake_case \
                         identifier; set `rust_name`",
                        raw.name
                    ),
                );
                continue;
            }
            if let Some(other) = rust_names.get(&rust) {
                self.error(
                    file,
                    &fat,
                    format!(
                        "fields `{other}` and `{}` both become the Rust name `{rust}`; set \
                         `rust_name` on one of them",
                        raw.name
                    ),
                );
                continue;
            }
            rust_names.insert(rust.clone(), raw.name.clone());
            out.push(self.field(file, &fat, raw, rust, place));
        }
        out
    }

    fn field(
        &self,
        file: FileId,
        at: &str,
        raw: &file::Field,
        rust: String,
        place: At,
    ) -> (Field, Option<file::Source>) {
        self.docs(file, at, &format!("field `{}`", raw.name), &raw.docs);
        let tat = format!("{at}/type");
        // An unresolved type stands in as `any` (or, where that cannot travel, `string`), which
        // keeps the generated API whole: the one error is the one reported.
        let ty = match (self.ty(file, &tat, &raw.ty), place) {
            (Some(ty @ (Type::String | Type::Enum(_))), At::Param(Place::Path)) => ty,
            (Some(_), At::Param(Place::Path)) => {
                self.error(
                    file,
                    &tat,
                    "a path parameter must be a `string` or a shared enum",
                );
                Type::String
            }
            (Some(ty), At::Param(Place::Query)) if ty.fits_query() => ty,
            (Some(_), At::Param(Place::Query)) => {
                self.error(
                    file,
                    &tat,
                    "a query field must be a scalar, a shared enum, or an array of those",
                );
                Type::String
            }
            (Some(ty), _) => ty,
            (None, At::Param(Place::Path | Place::Query)) => Type::String,
            (None, _) => Type::Any,
        };
        let mut presence = if raw.required {
            Presence::Required
        } else {
            Presence::Optional
        };
        if let Some(default) = &raw.default {
            if raw.required {
                self.error(
                    file,
                    &format!("{at}/default"),
                    format!(
                        "field `{}` is required and has a default; a required field cannot have \
                         one",
                        raw.name
                    ),
                );
            } else {
                match self.default_fits(&ty, default) {
                    Ok(()) => presence = Presence::Default(default.clone()),
                    Err(message) => self.error(
                        file,
                        &format!("{at}/default"),
                        format!(
                            "default {default} of field `{}` does not fit type `{}`: {message}",
                            raw.name, raw.ty
                        ),
                    ),
                }
            }
        }
        let is_string = ty == Type::String;
        let mut format = raw.format;
        if format.is_some() && !is_string {
            self.error(
                file,
                &format!("{at}/format"),
                "`format` applies to `string` fields only",
            );
            format = None;
        }
        let mut secret = raw.secret;
        if secret && !is_string {
            self.error(
                file,
                &format!("{at}/secret"),
                "`secret` applies to `string` fields only",
            );
            secret = false;
        }
        if secret && place == At::Param(Place::Query) {
            self.error(
                file,
                &format!("{at}/secret"),
                "a secret must not travel in a URL query",
            );
        }
        let credential_like = credential_word(&raw.name);
        let stringy = matches!(&ty, Type::String)
            || matches!(&ty, Type::Array(inner) | Type::Map(inner) if **inner == Type::String);
        match (&raw.not_secret, credential_like) {
            (Some(reason), _) if reason.trim().is_empty() => self.error(
                file,
                &format!("{at}/not_secret"),
                "`not_secret` needs a reason",
            ),
            (Some(_), _) if secret => self.error(
                file,
                &format!("{at}/not_secret"),
                "a field is either `secret` or `not_secret`",
            ),
            (Some(_), None) => self.error(
                file,
                &format!("{at}/not_secret"),
                format!(
                    "`not_secret` explains why a credential-like field is not secret; `{}` does \
                     not look like one",
                    raw.name
                ),
            ),
            (None, Some(word)) if stringy && !secret => self.error(
                file,
                at,
                format!(
                    "field `{}` looks like a credential (`{word}`): mark it `secret: true` so \
                     `Debug` never shows it, or say why it is not one with `not_secret`",
                    raw.name
                ),
            ),
            _ => {}
        }
        let mut source = raw.source;
        if source.is_some() && (place != At::Param(Place::Path) || !is_string) {
            self.error(
                file,
                &format!("{at}/source"),
                "`source` applies to `string` path parameters only",
            );
            source = None;
        }
        let mut aliases = Vec::new();
        for (i, alias) in raw.aliases.iter().enumerate() {
            if alias == &raw.name || aliases.contains(alias) {
                self.error(
                    file,
                    &format!("{at}/aliases/{i}"),
                    format!("alias `{alias}` repeats a name of field `{}`", raw.name),
                );
            } else {
                aliases.push(alias.clone());
            }
        }
        if !aliases.is_empty()
            && !matches!(place, At::Param(Place::Body | Place::Query) | At::Object)
        {
            self.error(
                file,
                &format!("{at}/aliases"),
                "`aliases` name other spellings of a request field; a path parameter or reply \
                 field takes none",
            );
            aliases.clear();
        }
        let field = Field {
            wire: raw.name.clone(),
            rust,
            ty,
            presence,
            option: false, // decided once reachability is known
            format,
            secret,
            aliases,
            docs: raw.docs.clone(),
        };
        (field, source)
    }

    fn default_fits(&self, ty: &Type, value: &Value) -> Result<(), String> {
        let ok = match ty {
            Type::String => value.is_string(),
            Type::Bool => value.is_boolean(),
            Type::Int32 => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
            Type::Int64 => value.is_i64(),
            Type::Number => value.is_number(),
            Type::Any => true,
            Type::Url | Type::RefreshJwt | Type::SessionJwt => {
                return Err("URLs and JWTs take no default".into());
            }
            Type::Array(_) if value.as_array().is_some_and(Vec::is_empty) => true,
            Type::Map(_) if value.as_object().is_some_and(|m| m.is_empty()) => true,
            Type::Array(_) | Type::Map(_) => {
                return Err("only an empty array or map can be a default".into());
            }
            Type::Object(_) => return Err("object types take no default".into()),
            Type::Enum(id) => {
                let variants = self.api.ty(*id).variants();
                let s = value.as_str().unwrap_or_default();
                if variants.iter().any(|v| v.value == s) {
                    true
                } else {
                    return Err(format!(
                        "expected one of {}",
                        variants
                            .iter()
                            .map(|v| format!("\"{}\"", v.value))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected a JSON {}", json_kind(ty)))
        }
    }

    fn endpoints(&mut self) {
        for g in 0..self.api.groups.len() {
            let group_id = GroupId(g);
            let file_id = self.api.groups[g].file;
            let file = self.file(file_id);
            let mut seen: HashMap<&str, usize> = HashMap::new();
            let mut endpoints = Vec::new();
            for (i, raw) in file.spec.endpoints.iter().enumerate() {
                let at = format!("/endpoints/{i}");
                self.docs(file_id, &at, &format!("endpoint `{}`", raw.name), &raw.docs);
                if !names::is_snake_ident(&raw.name) {
                    self.error(
                        file_id,
                        &format!("{at}/name"),
                        format!(
                            "endpoint name `{}` must be a snake_case identifier",
                            raw.name
                        ),
                    );
                    continue;
                }
                if let Some(first) = seen.get(raw.name.as_str()) {
                    self.error(
                        file_id,
                        &format!("{at}/name"),
                        format!(
                            "duplicate endpoint `{}` (first declared as endpoints[{first}])",
                            raw.name
                        ),
                    );
                    continue;
                }
                seen.insert(&raw.name, i);
                if let Some(endpoint) = self.endpoint(group_id, &at, raw) {
                    endpoints.push(endpoint);
                }
            }
            self.api.groups[g].endpoints = endpoints;
        }
    }

    fn endpoint(&mut self, group_id: GroupId, at: &str, raw: &file::Endpoint) -> Option<Endpoint> {
        let group = self.api.group(group_id);
        let file = group.file;
        let handle = group.handle;
        let area_name = self.api.area(group.area).name.clone();
        let group_name = group.name.clone();
        let mut auth = raw.auth;
        if handle == Handle::Client && auth == AuthStyle::Management {
            self.error(
                file,
                &format!("{at}/auth"),
                "a group's endpoints are either all `management` or none: management groups \
                 hang off `ManagementClient`; move this endpoint to its own group",
            );
            auth = AuthStyle::Project;
        }
        let request = format!("{}Request", names::camel(&raw.name));
        if request == group.type_name {
            self.error(
                file,
                &format!("{at}/name"),
                format!(
                    "endpoint `{}` names its request `{request}`, which is the accessor type of \
                     the group; rename one",
                    raw.name
                ),
            );
            return None;
        }
        if !raw.method.has_body() && !raw.body.is_empty() {
            self.error(
                file,
                &format!("{at}/body"),
                format!(
                    "a {} endpoint has no body; put its fields in `query`",
                    raw.method.as_str()
                ),
            );
        }
        let mut optional_auth = raw.optional_auth;
        if let Some(optional) = optional_auth
            && (optional.credential().is_none()
                || !matches!(auth, AuthStyle::Project | AuthStyle::None))
        {
            self.error(
                file,
                &format!("{at}/optional_auth"),
                "`optional_auth` adds a per-call credential (`refresh`, `session` or \
                 `access_key`) to an endpoint whose `auth` is `project` or `none`",
            );
            optional_auth = None;
        }
        let mut rust_names = BTreeMap::new();
        if let Some((arg, ..)) = auth.credential() {
            rust_names.insert(arg.to_owned(), "(the credential argument)".to_owned());
        }
        let mut params = Vec::new();
        let lists: [(Place, &str, &[file::Field]); 3] = [
            (Place::Path, "path_params", &raw.path_params),
            (Place::Query, "query", &raw.query),
            (
                Place::Body,
                "body",
                if raw.method.has_body() {
                    &raw.body
                } else {
                    &[]
                },
            ),
        ];
        for (place, key, fields) in lists {
            let resolved = self.field_list(
                file,
                &format!("{at}/{key}"),
                fields,
                At::Param(place),
                &mut rust_names,
            );
            params.extend(resolved.into_iter().map(|(f, source)| Param {
                wire: f.wire,
                rust: f.rust,
                ty: f.ty,
                place,
                presence: if place == Place::Path {
                    Presence::Required
                } else {
                    f.presence
                },
                format: f.format,
                secret: f.secret,
                source,
                aliases: f.aliases,
                docs: f.docs,
            }));
        }
        let path = self.path(file, at, raw, &params);
        let reply = self.reply(file, group_id, at, raw);
        let paging = raw
            .paging
            .as_ref()
            .and_then(|p| self.paging(file, &format!("{at}/paging"), p, &params, &reply));
        let id = crate::api::endpoint_id(&area_name, &group_name, &raw.name);
        Some(Endpoint {
            id,
            name: raw.name.clone(),
            request,
            method: raw.method,
            path,
            auth,
            optional_auth,
            docs: raw.docs.clone(),
            params,
            reply,
            paging,
        })
    }

    /// The paging of a search: integer page and limit parameters, an array of items and an
    /// integer total in its (object) reply.
    fn paging(
        &self,
        file: FileId,
        at: &str,
        raw: &file::PagingSpec,
        params: &[Param],
        reply: &Reply,
    ) -> Option<crate::api::Paging> {
        let integer = |ty: &Type| matches!(ty, Type::Int32 | Type::Int64);
        let mut ok = true;
        let mut param = |key: &str, name: &str| {
            let found = params
                .iter()
                .position(|p| p.wire == name && p.place != Place::Path);
            match found {
                Some(i) if integer(&params[i].ty) => Some(i),
                Some(_) => {
                    self.error(
                        file,
                        &format!("{at}/{key}"),
                        format!("paging {key} `{name}` must be an integer"),
                    );
                    ok = false;
                    None
                }
                None => {
                    self.error(
                        file,
                        &format!("{at}/{key}"),
                        format!(
                            "paging {key} `{name}` is not a query or body field of the endpoint"
                        ),
                    );
                    ok = false;
                    None
                }
            }
        };
        let page = param("page", &raw.page);
        let limit = param("limit", &raw.limit);
        let Reply::Object(id) = reply else {
            self.error(
                file,
                at,
                "a paging endpoint replies with an object holding the items",
            );
            return None;
        };
        let fields = self.api.ty(*id).fields();
        let field =
            |key: &str, name: &str, array: bool| match fields.iter().position(|f| f.wire == name) {
                Some(i) if array && matches!(fields[i].ty, Type::Array(_)) => Some(i),
                Some(i) if !array && integer(&fields[i].ty) => Some(i),
                Some(_) => {
                    let what = if array { "an array" } else { "an integer" };
                    self.error(
                        file,
                        &format!("{at}/{key}"),
                        format!("paging {key} `{name}` must be {what}"),
                    );
                    None
                }
                None => {
                    self.error(
                        file,
                        &format!("{at}/{key}"),
                        format!("paging {key} `{name}` is not a field of the reply"),
                    );
                    None
                }
            };
        let items = field("items", &raw.items, true);
        let total = raw.total.as_ref().map(|t| field("total", t, false));
        match (page, limit, items, total) {
            (Some(page), Some(limit), Some(items), None) if ok => Some(crate::api::Paging {
                page,
                limit,
                items,
                total: None,
            }),
            (Some(page), Some(limit), Some(items), Some(Some(total))) if ok => {
                Some(crate::api::Paging {
                    page,
                    limit,
                    items,
                    total: Some(total),
                })
            }
            _ => None,
        }
    }

    fn path(&self, file: FileId, at: &str, raw: &file::Endpoint, params: &[Param]) -> PathTemplate {
        let pat = format!("{at}/path");
        if !raw.path.starts_with('/') {
            self.error(file, &pat, "a path must start with `/`");
        }
        let mut segments = Vec::new();
        let mut used = HashSet::new();
        for part in raw.path.split('/').skip(1) {
            let placeholder = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
            match placeholder {
                Some(name) => {
                    match params
                        .iter()
                        .position(|p| p.place == Place::Path && p.wire == name)
                    {
                        Some(index) => {
                            used.insert(index);
                            segments.push(Segment::Param(index));
                        }
                        None => {
                            if !raw.path_params.iter().any(|p| p.name == name) {
                                self.error(
                                    file,
                                    &pat,
                                    format!(
                                        "path placeholder `{{{name}}}` is not declared in \
                                         `path_params` of `{}`",
                                        raw.name
                                    ),
                                );
                            }
                            segments.push(Segment::Literal(part.to_owned()));
                        }
                    }
                }
                None => {
                    if part.contains('{') || part.contains('}') {
                        self.error(
                            file,
                            &pat,
                            format!(
                                "path segment `{part}`: a placeholder must fill a whole segment \
                                 (`/{{name}}/`)"
                            ),
                        );
                    }
                    segments.push(Segment::Literal(part.to_owned()));
                }
            }
        }
        for (i, raw_param) in raw.path_params.iter().enumerate() {
            let declared = params
                .iter()
                .position(|p| p.place == Place::Path && p.wire == raw_param.name);
            if declared.is_some_and(|d| !used.contains(&d)) {
                self.error(
                    file,
                    &format!("{at}/path_params/{i}"),
                    format!(
                        "path parameter `{}` does not appear in the path",
                        raw_param.name
                    ),
                );
            }
        }
        PathTemplate {
            text: raw.path.clone(),
            segments,
        }
    }

    fn reply(&mut self, file: FileId, group: GroupId, at: &str, raw: &file::Endpoint) -> Reply {
        let Some(response) = &raw.response else {
            return Reply::Empty;
        };
        let rat = format!("{at}/response");
        if let Some(docs) = &response.docs {
            self.docs(file, &rat, &format!("the reply of `{}`", raw.name), docs);
        }
        if !response.failures.is_empty() && response.fields.is_none() {
            self.error(
                file,
                &format!("{rat}/failures"),
                "`failures` names fields of an inline reply (`fields`); for a shared reply type, \
                 put `failures` on the type",
            );
        }
        match (response.content, &response.type_name, &response.fields) {
            (Content::Text, None, None) => Reply::Text,
            (Content::Text, _, _) => {
                self.error(
                    file,
                    &rat,
                    "a text response is handed over as a string: it takes no `type` or `fields`",
                );
                Reply::Text
            }
            (Content::Json, Some(text), None) => self.reply_type(file, &rat, text),
            (Content::Json, None, Some(fields)) => {
                let fields = self.fields(file, &format!("{rat}/fields"), fields, At::Reply);
                let area = self.api.group(group).area;
                let id = TypeId(self.api.types.len());
                self.api.types.push(TypeDef {
                    name: format!("{}Response", names::camel(&raw.name)),
                    docs: response.docs.clone().unwrap_or_default(),
                    area,
                    scope: Scope::Group(group),
                    file,
                    kind: TypeKind::Object(fields),
                    in_requests: false,
                    in_replies: false,
                    used_by: BTreeSet::new(),
                    failures: Vec::new(),
                });
                let failures = self.failures(file, &rat, &response.failures, id);
                self.api.types[id.0].failures = failures;
                Reply::Object(id)
            }
            _ => {
                self.error(
                    file,
                    &rat,
                    "a response has exactly one of `type` (a shared type) or `fields`; leave \
                     `response` out for an empty reply",
                );
                Reply::Empty
            }
        }
    }

    /// A reply `type`: a shared object type, or an array of one (a bare JSON array).
    fn reply_type(&self, file: FileId, rat: &str, text: &str) -> Reply {
        let at = format!("{rat}/type");
        let Some(ty) = self.ty(file, &at, text) else {
            return Reply::Empty;
        };
        match ty {
            Type::Object(id) => Reply::Object(id),
            Type::Array(inner) if matches!(*inner, Type::Object(_)) => match *inner {
                Type::Object(id) => Reply::Array(id),
                _ => Reply::Empty,
            },
            Type::Enum(_) => {
                self.error(
                    file,
                    &at,
                    format!("reply type `{text}` is an enum; a reply must be an object"),
                );
                Reply::Empty
            }
            _ => {
                self.error(
                    file,
                    &at,
                    format!(
                        "reply type `{text}` must be a shared object type or an array of one; use \
                         `fields` for a reply of its own"
                    ),
                );
                Reply::Empty
            }
        }
    }

    /// Marks which types requests and replies reach, and from which groups.
    fn reachability(&mut self) {
        let mut marks: Vec<(TypeId, bool, GroupId)> = Vec::new();
        for (g, group) in self.api.groups.iter().enumerate() {
            for endpoint in &group.endpoints {
                for param in &endpoint.params {
                    if let Some(id) = param.ty.named() {
                        marks.push((id, true, GroupId(g)));
                    }
                }
                if let Reply::Object(id) | Reply::Array(id) = endpoint.reply {
                    marks.push((id, false, GroupId(g)));
                }
            }
        }
        for (id, request, group) in marks {
            self.mark(id, request, group);
        }
    }

    fn mark(&mut self, id: TypeId, request: bool, group: GroupId) {
        let def = &mut self.api.types[id.0];
        let new_kind = if request {
            !std::mem::replace(&mut def.in_requests, true)
        } else {
            !std::mem::replace(&mut def.in_replies, true)
        };
        let new_group = def.used_by.insert(group);
        if !new_kind && !new_group {
            return;
        }
        let nested: Vec<TypeId> = def.fields().iter().filter_map(|f| f.ty.named()).collect();
        for inner in nested {
            self.mark(inner, request, group);
        }
    }

    /// Decides which object fields are `Option`s, and checks what needs reachability.
    fn decide_options(&mut self) {
        for t in 0..self.api.types.len() {
            let input = self.api.types[t].in_requests;
            let open = self.api.types[t].is_open_enum();
            let file = self.api.types[t].file;
            if open
                && let Some(clash) = self.api.types[t]
                    .variants()
                    .iter()
                    .find(|v| v.rust == "Unknown")
            {
                let name = &self.api.types[t].name;
                let value = clash.value.clone();
                let index = self
                    .file(file)
                    .spec
                    .types
                    .iter()
                    .position(|d| &d.name == name)
                    .unwrap_or_default();
                self.error(
                    file,
                    &format!("/types/{index}"),
                    format!(
                        "enum `{name}` is read from replies, so it has an `Unknown` variant for \
                         values this version does not know; give the value `{value}` another \
                         `rust_name`"
                    ),
                );
                if let TypeKind::Enum(variants) = &mut self.api.types[t].kind {
                    variants.retain(|v| v.rust != "Unknown");
                }
            }
            if let TypeKind::Object(fields) = &mut self.api.types[t].kind {
                for field in fields {
                    field.option = !matches!(field.presence, Presence::Default(_))
                        && (field.ty.lacks_default()
                            || (input && field.presence == Presence::Optional));
                }
            }
        }
    }
}

fn json_kind(ty: &Type) -> &'static str {
    match ty {
        Type::String | Type::Enum(_) | Type::Url | Type::RefreshJwt | Type::SessionJwt => "string",
        Type::Bool => "boolean",
        Type::Int32 => "integer within 32 bits",
        Type::Int64 => "integer",
        Type::Number => "number",
        Type::Any => "value",
        Type::Array(_) => "array",
        Type::Map(_) | Type::Object(_) => "object",
    }
}

/// The last word of a wire name when it makes it look like a credential (`trustedDeviceJwt` → `jwt`).
fn credential_word(wire: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "jwt",
        "jwts",
        "token",
        "tokens",
        "code",
        "codes",
        "key",
        "keys",
        "secret",
        "secrets",
        "password",
        "passwords",
    ];
    // The last word names what the field holds: `refreshJwt` and `clientSecret` are
    // credentials, `keyId` and `tokenEndpointAuthMethod` are not.
    names::words(wire)
        .pop()
        .filter(|word| WORDS.contains(&word.as_str()))
}

/// Cargo's rule for feature names, kept to the ASCII subset.
fn is_feature_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
