//! The maintainer's commands of `dh_rumprun`: add a flavour to a source
//! package and lint the result.

pub mod add_flavour;
pub mod lint;
