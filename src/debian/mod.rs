//! The readers of Debian's own data: the control file and its relations,
//! debian/rules, build profiles and architectures.

pub mod arch;
pub mod control;
pub mod profiles;
pub mod rules;
