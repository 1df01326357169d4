//! A crate outside descope-api that adds an endpoint descope-api does not ship, from its own
//! `spec/` folder, and calls it through descope-api's `Client`, credentials, errors and transport.
//!
//! `client_ext: CustomEndpoints` makes the generated group accessors methods of extension traits:
//! `CustomEndpoints` for groups on [`descope_api::Client`], `ManagementCustomEndpoints` for groups
//! whose endpoints all need the management key (on [`descope_api::ManagementClient`]).
//!
//! ```no_run
//! use descope_api::{Client, ManagementKey};
//! use descope_custom_endpoints::ManagementCustomEndpoints as _;
//!
//! # async fn run() -> Result<(), descope_api::Error> {
//! let client = Client::builder("P2abc").management_key(ManagementKey::new("K2...")).build()?;
//! let minted = client.management()?.embedded_link().create("ann@example.com").timeout(60).await?;
//! println!("token for {}", minted.masked_email);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

descope_api::generate! {
    spec: "spec",
    client_ext: CustomEndpoints,
}
