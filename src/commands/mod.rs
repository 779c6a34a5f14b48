//! The maintainer's commands of `dh_rumprun`: add a flavour to a source
//! package, lint the result, and find the chain of library flavours a
//! program's flavour needs.

pub mod add_flavour;
pub mod chain;
pub mod lint;
