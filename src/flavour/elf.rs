//! What kind of ELF file a file is, read with the `object` crate: a
//! rumprun program (linked but not baked: a relocatable carrying the bake
//! recipe), an image, a dynamic program or shared object.

use object::{Object, ObjectKind};

/// Whether a file name is a shared object's (`libz.so`, `libz.so.1.2.13`),
/// by the names the dynamic linker and the link editor look for.
pub fn is_shared_object_name(name: &str) -> bool {
    name.ends_with(".so") || name.contains(".so.")
}

/// What an ELF file is, as far as dh-rumprun cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elf {
    /// `ET_REL`; `baked` false when it carries the bake-recipe note, i.e.
    /// a rumprun program that was linked but never baked.
    Relocatable {
        /// Whether it carries `.note.rumprun.bakerecipe`.
        bake_recipe: bool,
    },
    /// `ET_EXEC` or `ET_DYN`; `dynamic` when it has an interpreter or a
    /// dynamic section, or is `ET_DYN`.
    Linked {
        /// Whether it is dynamically linked or a shared object.
        dynamic: bool,
    },
}

/// What an ELF file's bytes say.
pub fn classify(bytes: &[u8]) -> Option<Elf> {
    if !bytes.starts_with(b"\x7fELF") {
        return None;
    }
    let file = object::File::parse(bytes).ok()?;
    Some(match file.kind() {
        ObjectKind::Relocatable => Elf::Relocatable {
            bake_recipe: file.section_by_name(".note.rumprun.bakerecipe").is_some(),
        },
        ObjectKind::Dynamic => Elf::Linked { dynamic: true },
        _ => Elf::Linked {
            dynamic: file.section_by_name(".interp").is_some()
                || file.section_by_name(".dynamic").is_some(),
        },
    })
}
