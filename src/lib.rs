//! dh-rumprun: a debhelper sequence add-on and maintainer tool that builds
//! the Rumprun unikernel flavour of a Debian source package from the same
//! source as its native packages.
//!
//! The functional core computes plans ([`plan::Plan`]) from the control
//! file, the options and the environment; [`execute`] is the thin shell
//! that acts on them.

pub mod add_flavour;
pub mod arch;
pub mod bake;
pub mod build_env;
pub mod built_using;
pub mod cli;
pub mod control;
pub mod cross_files;
pub mod dh_options;
pub mod elf;
pub mod env;
pub mod execute;
pub mod flavour;
pub mod layout;
pub mod link_trace;
pub mod lint;
pub mod location;
pub mod make_dirs;
pub mod manual;
pub mod pkg_config;
pub mod plan;
pub mod profiles;
pub mod rules;
pub mod selection;
pub mod stages;
pub mod toolchain;

/// The version of dh-rumprun.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
