//! The emulator's memory: users, pending codes and links, sessions, the outbox. Every collection
//! is capped and its entries expire (see [`Limits`]); the rules live here, the flows in
//! `flows.rs`.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::model::{Channel, Limits, Message, User};

/// Everything the emulator remembers.
#[derive(Default)]
pub(crate) struct State {
    users: HashMap<String, UserRecord>,
    /// Login ID → user ID.
    login_index: HashMap<String, String>,
    pending: HashMap<PendingKey, Pending>,
    sessions: HashMap<String, SessionRecord>,
    enchanted: HashMap<String, Enchanted>,
    outbox: VecDeque<Message>,
    next_message_id: u64,
    next_user_seq: u64,
    last_sweep: u64,
    /// What the management API keeps besides users (see `management.rs`).
    pub directory: Directory,
}

/// Tenants, roles, permissions and access keys, each oldest first and capped at
/// [`Limits::max_objects`] (the oldest makes room). Entries are kept in the shape of the spec's
/// reply types (`Tenant`, `Role`, `Permission`, `AccessKey`).
#[derive(Default)]
pub(crate) struct Directory {
    pub tenants: VecDeque<Map<String, Value>>,
    pub roles: VecDeque<Map<String, Value>>,
    pub permissions: VecDeque<Map<String, Value>>,
    /// Each access key's cleartext, with its stored details.
    pub access_keys: VecDeque<(String, Map<String, Value>)>,
}

/// Appends `item`, dropping the oldest entries beyond `cap`.
pub(crate) fn push_capped<T>(list: &mut VecDeque<T>, item: T, cap: usize) {
    list.push_back(item);
    while list.len() > cap.max(1) {
        list.pop_front();
    }
}

struct UserRecord {
    user: User,
    /// Insertion order, for searches that page.
    seq: u64,
    last_active: u64,
    history: VecDeque<u64>,
}

/// Where a pending code or link is found when it is verified.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PendingKey {
    /// A one-time code: the login ID it was sent for and the channel it went through.
    Code { login_id: String, channel: Channel },
    /// A magic link: its token.
    Link(String),
}

/// A code or link that was sent and not yet verified.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    /// The code (for a link, the key holds the token).
    pub code: String,
    pub created: u64,
    pub expires: u64,
    pub attempts_left: u32,
    pub channel: Channel,
    /// `otp` or `magiclink`: the `amr` entry of the session it completes into.
    pub amr: &'static str,
    pub action: Action,
    pub options: SignInOptions,
    /// For an enchanted link: the reference the starting screen polls with.
    pub pending_ref: Option<String>,
}

/// An enchanted-link flow, by its pending reference: the session once the link is verified.
#[derive(Clone, Debug)]
pub(crate) struct Enchanted {
    pub created: u64,
    pub expires: u64,
    /// The session the verified link opened, and whether the user was new.
    pub done: Option<(String, bool)>,
}

/// What verifying a pending code or link completes.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    /// Create the user (the login ID must still be free), then sign in.
    SignUp {
        login_id: String,
        email: String,
        phone: String,
        profile: Profile,
    },
    /// Sign the user in.
    SignIn { user_id: String },
    /// Store a new email address or phone number on the user.
    Update {
        user_id: String,
        address: Address,
        add_to_login_ids: bool,
        on_merge_use_existing: bool,
        fail_on_conflict: bool,
    },
}

/// A new email address or phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Address {
    Email(String),
    Phone(String),
}

impl Address {
    pub fn value(&self) -> &str {
        match self {
            Address::Email(v) | Address::Phone(v) => v,
        }
    }
}

/// Profile fields a sign-up stores on the new user.
#[derive(Clone, Debug, Default)]
pub(crate) struct Profile {
    pub name: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub picture: String,
}

/// What a sign-in asked for beyond the user: claims, tenant, and the session it steps up.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignInOptions {
    pub custom_claims: Map<String, Value>,
    pub tenant: Option<String>,
    /// For step-up and MFA: the `amr` of the session being raised.
    pub prior_amr: Vec<String>,
}

/// A session: what a refresh JWT stands for.
#[derive(Clone, Debug)]
pub(crate) struct SessionRecord {
    pub user_id: String,
    pub created: u64,
    pub expires: u64,
    pub revoked: bool,
    pub amr: Vec<String>,
    pub tenant: Option<String>,
    pub custom_claims: Map<String, Value>,
}

impl State {
    /// Drops whatever expired, at most once per emulated second.
    pub fn sweep(&mut self, now: u64, limits: &Limits) {
        if now == self.last_sweep {
            return;
        }
        self.last_sweep = now;
        let idle = limits.user_idle_ttl.as_secs();
        let gone: Vec<String> = self
            .users
            .iter()
            .filter(|(_, r)| r.last_active.saturating_add(idle) <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for user_id in gone {
            self.remove_user(&user_id);
        }
        self.pending.retain(|_, p| p.expires > now);
        self.enchanted.retain(|_, e| e.expires > now);
        self.sessions.retain(|_, s| s.expires > now);
    }

    // ---- users ---------------------------------------------------------------------------

    pub fn user_id_by_login(&self, login_id: &str) -> Option<&str> {
        self.login_index.get(login_id).map(String::as_str)
    }

    pub fn user(&self, user_id: &str) -> Option<&User> {
        self.users.get(user_id).map(|r| &r.user)
    }

    pub fn user_by_login(&self, login_id: &str) -> Option<&User> {
        self.user_id_by_login(login_id).and_then(|id| self.user(id))
    }

    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values().map(|r| &r.user)
    }

    /// Every user, oldest first (in the order they were added).
    pub fn users_in_order(&self) -> Vec<&User> {
        let mut records: Vec<&UserRecord> = self.users.values().collect();
        records.sort_by_key(|r| r.seq);
        records.into_iter().map(|r| &r.user).collect()
    }

    /// Adds a user whose login IDs are all free, making room first when at the cap.
    pub fn insert_user(&mut self, user: User, now: u64, limits: &Limits) {
        while self.users.len() >= limits.max_users.max(1) {
            let oldest = oldest(&self.users, |r| r.last_active);
            self.remove_user(&oldest);
        }
        for login_id in &user.login_ids {
            self.login_index
                .insert(login_id.clone(), user.user_id.clone());
        }
        self.next_user_seq += 1;
        self.users.insert(
            user.user_id.clone(),
            UserRecord {
                seq: self.next_user_seq,
                user,
                last_active: now,
                history: VecDeque::new(),
            },
        );
    }

    /// Changes a user in place and re-indexes its login IDs.
    pub fn update_user(&mut self, user_id: &str, change: impl FnOnce(&mut User)) {
        let Some(record) = self.users.get_mut(user_id) else {
            return;
        };
        let before = record.user.login_ids.clone();
        change(&mut record.user);
        let after = record.user.login_ids.clone();
        for login_id in before {
            if self.login_index.get(&login_id).map(String::as_str) == Some(user_id) {
                self.login_index.remove(&login_id);
            }
        }
        for login_id in after {
            self.login_index.insert(login_id, user_id.to_owned());
        }
    }

    /// Forgets a user with its sessions and pending codes.
    pub fn remove_user(&mut self, user_id: &str) -> Option<User> {
        let record = self.users.remove(user_id)?;
        for login_id in &record.user.login_ids {
            if self.login_index.get(login_id).map(String::as_str) == Some(user_id) {
                self.login_index.remove(login_id);
            }
        }
        self.sessions.retain(|_, s| s.user_id != user_id);
        self.pending.retain(|_, p| match &p.action {
            Action::SignIn { user_id: id } | Action::Update { user_id: id, .. } => id != user_id,
            Action::SignUp { .. } => true,
        });
        Some(record.user)
    }

    /// Marks the user active now and, for a sign-in, records it in the history.
    pub fn touch(&mut self, user_id: &str, now: u64, sign_in: bool, limits: &Limits) {
        if let Some(record) = self.users.get_mut(user_id) {
            record.last_active = now;
            if sign_in {
                record.history.push_back(now);
                while record.history.len() > limits.max_history {
                    record.history.pop_front();
                }
            }
        }
    }

    /// Sign-in times of a user, oldest first.
    pub fn history(&self, user_id: &str) -> Vec<u64> {
        self.users
            .get(user_id)
            .map(|r| r.history.iter().copied().collect())
            .unwrap_or_default()
    }

    // ---- pending codes and links -----------------------------------------------------------

    /// Stores a pending code or link, replacing one with the same key and making room first
    /// when at the cap.
    pub fn put_pending(&mut self, key: PendingKey, pending: Pending, limits: &Limits) {
        self.pending.remove(&key);
        while self.pending.len() >= limits.max_pending.max(1) {
            let oldest = oldest(&self.pending, |p| p.created);
            self.pending.remove(&oldest);
        }
        self.pending.insert(key, pending);
    }

    /// The live pending entry for `key`; an expired one is dropped.
    pub fn pending_mut(&mut self, key: &PendingKey, now: u64) -> Option<&mut Pending> {
        if self.pending.get(key).is_some_and(|p| p.expires <= now) {
            self.pending.remove(key);
        }
        self.pending.get_mut(key)
    }

    pub fn take_pending(&mut self, key: &PendingKey) -> Option<Pending> {
        self.pending.remove(key)
    }

    // ---- enchanted links ----------------------------------------------------------------------

    /// Starts an enchanted-link flow, making room first when at the pending cap.
    pub fn put_enchanted(&mut self, pending_ref: String, flow: Enchanted, limits: &Limits) {
        while self.enchanted.len() >= limits.max_pending.max(1) {
            let oldest = oldest(&self.enchanted, |e| e.created);
            self.enchanted.remove(&oldest);
        }
        self.enchanted.insert(pending_ref, flow);
    }

    /// The live flow for `pending_ref`; an expired one is dropped.
    pub fn enchanted_mut(&mut self, pending_ref: &str, now: u64) -> Option<&mut Enchanted> {
        if self
            .enchanted
            .get(pending_ref)
            .is_some_and(|e| e.expires <= now)
        {
            self.enchanted.remove(pending_ref);
        }
        self.enchanted.get_mut(pending_ref)
    }

    pub fn take_enchanted(&mut self, pending_ref: &str) -> Option<Enchanted> {
        self.enchanted.remove(pending_ref)
    }

    // ---- sessions --------------------------------------------------------------------------

    /// Stores a new session, making room first when at the cap.
    pub fn insert_session(&mut self, sid: String, session: SessionRecord, limits: &Limits) {
        while self.sessions.len() >= limits.max_sessions.max(1) {
            let oldest = oldest(&self.sessions, |s| s.created);
            self.sessions.remove(&oldest);
        }
        self.sessions.insert(sid, session);
    }

    pub fn session(&self, sid: &str) -> Option<&SessionRecord> {
        self.sessions.get(sid)
    }

    pub fn session_mut(&mut self, sid: &str) -> Option<&mut SessionRecord> {
        self.sessions.get_mut(sid)
    }

    /// Ends every session of a user.
    pub fn revoke_all(&mut self, user_id: &str) {
        for session in self.sessions.values_mut() {
            if session.user_id == user_id {
                session.revoked = true;
            }
        }
    }

    // ---- outbox ----------------------------------------------------------------------------

    /// Appends a message (its `id` is assigned here), dropping the oldest beyond the cap.
    pub fn push_message(&mut self, mut message: Message, limits: &Limits) -> Message {
        self.next_message_id += 1;
        message.id = self.next_message_id;
        self.outbox.push_back(message.clone());
        while self.outbox.len() > limits.max_outbox {
            self.outbox.pop_front();
        }
        message
    }

    pub fn outbox(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.outbox.iter()
    }

    /// How many entries each collection holds: users, pending (codes, links and enchanted-link
    /// flows), sessions, outbox.
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        (
            self.users.len(),
            self.pending.len() + self.enchanted.len(),
            self.sessions.len(),
            self.outbox.len(),
        )
    }
}

/// The key of the entry with the smallest `age`, of a map that is not empty.
fn oldest<K: Clone, V>(map: &HashMap<K, V>, age: impl Fn(&V) -> u64) -> K {
    map.iter()
        .min_by_key(|(_, value)| age(value))
        .map(|(key, _)| key.clone())
        .expect("not empty")
}
