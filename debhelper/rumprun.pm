#!/usr/bin/perl
# dh sequence add-on for dh-rumprun: runs the rumprun flavour's stages
# beside the native build.  Activated by "Build-Depends: dh-sequence-rumprun"
# (or Build-Depends-Arch/-Indep, or "dh --with rumprun").
#
# All logic lives in the dh_rumprun_* commands; this file only places them.
# Only insert_after/insert_before are used: they are the only sequence
# edits that also work when the add-on is conditional (activated from
# Build-Depends-Arch or Build-Depends-Indep).

use strict;
use warnings;

insert_after('dh_auto_configure', 'dh_rumprun_configure');
insert_after('dh_auto_build', 'dh_rumprun_build');
insert_after('dh_auto_test', 'dh_rumprun_test');
insert_after('dh_auto_install', 'dh_rumprun_install');
insert_before('dh_gencontrol', 'dh_rumprun_substvars');

# The clean sequence has no -arch/-indep variant, so a conditional add-on
# may not touch it: dh stops with "cannot be use conditionally" (see
# _filter_sequences_for_conditional_add_ons in Debian::Debhelper::DH::AddonAPI).
# dh tells an add-on how it was activated only through
# $Debian::Debhelper::DH::AddonAPI::DH_INTERNAL_ADDON_TYPE ("both" when
# unconditional, "arch" or "indep" otherwise), which it sets with local()
# around loading this file; there is no public accessor.  dh itself never
# loads a conditional add-on for "dh clean".  So dh_rumprun_clean joins the
# clean sequence only when the add-on is unconditional; otherwise the stages
# keep everything they make under debian/.debhelper/, which dh_clean removes.
# An unknown or missing value (older or newer debhelper) is treated as
# unconditional, which is what every debhelper without conditional add-ons
# did.
my $addon_type = $Debian::Debhelper::DH::AddonAPI::DH_INTERNAL_ADDON_TYPE // 'both';
if ($addon_type eq 'both') {
	insert_after('dh_auto_clean', 'dh_rumprun_clean');
}

1;
