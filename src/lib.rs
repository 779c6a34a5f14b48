//! dh-rumprun: a debhelper sequence add-on and maintainer tool that builds
//! the Rumprun unikernel flavour of a Debian source package from the same
//! source as its native packages.
//!
//! The functional core computes plans ([`plan::Plan`]) from the control
//! file, the options and the environment; [`execute`] is the thin shell
//! that acts on them.
//!
//! The modules come in four layers: [`debian`] reads Debian's own data,
//! [`flavour`] is the flavour build, [`stages`] are the dh stages, and
//! [`commands`] the maintainer's commands; [`cli`] dispatches to them.

pub mod cli;
pub mod commands;
pub mod debian;
pub mod env;
pub mod execute;
pub mod flavour;
pub mod location;
pub mod manual;
pub mod plan;
pub mod stages;

/// The version of dh-rumprun.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
