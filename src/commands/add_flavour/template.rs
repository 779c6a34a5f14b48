//! Control templates: the `debian/control.in` or `debian/control-in` a
//! source's `debian/control` is generated from. add-flavour makes the same
//! appends to the template as to `debian/control`, so that the two stay in
//! step and a regeneration keeps the flavour.

/// `text` line for line as a vendor-aware generator reads it for `vendor`
/// (qemu's `control-in`: a line `:debian:Maintainer: ...` is for Debian
/// only): a line that starts with `:VENDOR:` loses the prefix, and a line
/// for another vendor becomes a comment line, so that every line keeps its
/// number and a field's lines stay together.
pub(super) fn for_vendor(text: &str, vendor: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match vendor_prefix(line) {
            Some((v, rest)) if v.eq_ignore_ascii_case(vendor) => rest.to_string(),
            Some(_) => format!("{OTHER_VENDORS}{line}"),
            None => line.to_string(),
        })
        .collect()
}

/// What [`for_vendor`] puts before another vendor's line: a comment mark.
const OTHER_VENDORS: &str = "#";

/// The vendor of a line of [`for_vendor`]'s text that is another
/// vendor's, as the template writes it.
pub(super) fn other_vendor(line: &str) -> Option<&str> {
    line.strip_prefix(OTHER_VENDORS)
        .and_then(vendor_prefix)
        .map(|(vendor, _)| vendor)
}

/// The vendor and the rest of a line that starts with `:VENDOR:`.
fn vendor_prefix(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let vendor = &rest[..end];
    (!vendor.is_empty()
        && vendor
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    .then(|| (vendor, &rest[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    #[test]
    fn vendor_lines_keep_their_numbers() {
        let text = indoc! {"
            Source: qemu
            :debian:Maintainer: Debian QEMU Team <a@b>
            :ubuntu:Maintainer: Ubuntu Developers <c@d>
            Build-Depends: debhelper-compat (= 13),
            :debian:# --enable-capstone
            :debian: libcapstone-dev,
             zlib1g-dev
        "};
        assert_eq!(
            for_vendor(text, "debian"),
            indoc! {"
                Source: qemu
                Maintainer: Debian QEMU Team <a@b>
                #:ubuntu:Maintainer: Ubuntu Developers <c@d>
                Build-Depends: debhelper-compat (= 13),
                # --enable-capstone
                 libcapstone-dev,
                 zlib1g-dev
            "}
        );
        assert_eq!(
            for_vendor(text, "Ubuntu").lines().nth(5),
            Some("#:debian: libcapstone-dev,")
        );
        // Not a vendor prefix: left as it is.
        assert_eq!(for_vendor(":: x\n:A B: y\n", "debian"), ":: x\n:A B: y\n");
    }
}
