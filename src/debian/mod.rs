//! The readers of Debian's own data: the control file and its relations,
//! debian/rules, build profiles, architectures, and apt's and dpkg's
//! databases.

pub mod apt;
pub mod arch;
pub mod control;
pub mod dpkg;
pub mod package;
pub mod profiles;
pub mod rules;
