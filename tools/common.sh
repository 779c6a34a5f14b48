# Shared by ./run-tests and ./run-demo (sourced, not run): installing what
# they need on a fresh Debian 12 machine, and building and installing
# dh-rumprun's own .deb.

PHASE="start"
section() {
	PHASE="$1"
	printf '\n==== %s ====\n' "$1"
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

# Debian packages the package build and the tests need (cargo comes from rustup).
DEB_PACKAGES=(
	build-essential ca-certificates debhelper dpkg-dev dwz fakeroot file
	lintian man-db
	# the stand-in rumprun toolchain and the fixture packages' build systems
	musl-tools autoconf automake libtool cmake meson ninja-build pkgconf
	# the build-dependencies of the Debian sources the tests build (hello, lzop)
	help2man texinfo liblzo2-dev
	# the chain test's greet checks that the host's zlib stays out of its flavour
	zlib1g-dev
	# a second Meson (Debian 13's, from PyPI) for tests/meson_cross.rs
	python3-venv
	# the real tier boots the real toolchain's images (tools/boot-image)
	qemu-system-x86
)

# Whether the Debian package $1 is installed (dpkg's status "installed").
is_installed() {
	dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

# Installs the packages of DEB_PACKAGES that are not installed yet.
install_debian_packages() {
	section "Debian packages: ${DEB_PACKAGES[*]}"
	local missing=() pkg
	for pkg in "${DEB_PACKAGES[@]}"; do
		if ! is_installed "$pkg"; then
			missing+=("$pkg")
		fi
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "installing: ${missing[*]}"
		$SUDO apt-get update
		$SUDO env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}"
	else
		echo "all installed"
	fi
}

# Finds rustup's cargo (>= 1.86) or stops with what to install.
ensure_cargo() {
	section "cargo"
	if ! command -v cargo >/dev/null 2>&1 && [ -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
		export PATH="${HOME:-/root}/.cargo/bin:$PATH"
	fi
	if ! command -v cargo >/dev/null 2>&1; then
		echo "$0: cargo not found on PATH nor in ~/.cargo/bin." >&2
		echo "$0: install rustup's cargo >= 1.86 (rustup, default toolchain stable) and put ~/.cargo/bin on PATH;" >&2
		echo "$0: Debian 12's own cargo is too old for the crates." >&2
		PHASE="cargo (missing)"
		exit 1
	fi
	local cargo_version
	cargo_version="$(cargo --version | cut -d' ' -f2)"
	echo "$(command -v cargo): cargo ${cargo_version}"
	if ! dpkg --compare-versions "$cargo_version" ge 1.86~; then
		echo "$0: cargo ${cargo_version} is too old: install rustup's cargo >= 1.86" >&2
		exit 1
	fi
	# Same release profile as debian/rules, so the package build reuses
	# this build's artifacts instead of building everything again.
	export CARGO_PROFILE_RELEASE_DEBUG=true
}

# Sets DEB to where build_deb leaves the .deb of binary package $2 of the
# source package in directory $1: target/debian/PACKAGE_VERSION_ARCH.deb.
built_deb() {
	local version arch
	version="$(dpkg-parsechangelog -l "$1/debian/changelog" -SVersion)"
	arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
	DEB="target/debian/${2}_${version}_${arch}.deb"
}

# Builds the source package in directory $1 (relative to the repository)
# with dpkg-buildpackage, moves what it wrote next to it into target/debian/,
# lints it, and sets DEB to the path of the .deb of binary package $2.
build_deb() {
	local dir="$1" package="$2" version arch changes file
	section "dpkg-buildpackage -b -uc -us (${dir})"
	version="$(cd "$dir" && dpkg-parsechangelog -SVersion)"
	arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
	changes="$(cd "$dir" && dpkg-parsechangelog -SSource)_${version}_${arch}.changes"
	local parent
	parent="$(dirname "$(readlink -f "$dir")")"
	rm -f "${parent}/${changes}"
	(cd "$dir" && dpkg-buildpackage -b -uc -us)
	mkdir -p target/debian
	# Earlier versions' files would be a second .deb of the same package.
	rm -f "target/debian/${package}_"* "target/debian/${package}-dbgsym_"* \
		"target/debian/$(cd "$dir" && dpkg-parsechangelog -SSource)_"*
	local built_files=("$changes")
	while read -r file; do
		built_files+=("$file")
	done < <(sed -n '/^Files:/,/^[^ ]/{/^ /p}' "${parent}/${changes}" | awk '{print $5}')
	for file in "${built_files[@]}"; do
		mv -f "${parent}/${file}" target/debian/
	done
	(cd "$dir" && debian/rules clean >/dev/null)
	built_deb "$dir" "$package"
	test -f "$DEB"

	section "lintian --fail-on error,warning (${changes})"
	lintian --fail-on error,warning "target/debian/${changes}"
	echo "lintian: no error, no warning"
}

# Installs the .deb $DEB (--reinstall: the version may be installed already).
install_deb() {
	section "install ${DEB}"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends --reinstall "./${DEB}"
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' "$(basename "$DEB" | cut -d_ -f1)"
}

# Makes sure apt has a deb-src entry for the release (for apt-get source):
# adds one under /etc/apt/sources.list.d/ when none exists.
ensure_deb_src() {
	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return
	fi
	section "adding a deb-src entry for apt-get source"
	local codename
	codename="$(. /etc/os-release && echo "${VERSION_CODENAME}")"
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$codename" | $SUDO tee /etc/apt/sources.list.d/dh-rumprun-deb-src.sources
	$SUDO apt-get update
}

# Debian source packages the tests build (name=version), downloaded once into
# target/debian-sources/ (apt-get source --download-only; never committed):
# those tests/packages.rs builds, and the real-sources tier's, pinned in
# fixtures/real-sources/*/case.
DEBIAN_SOURCES=(hello=2.10-3 lzo2=2.10-2 lzop=1.04-2)

# NAME=VERSION of each case of the real-sources tier.
real_sources() {
	awk '/^Source:/ { s = $2 } /^Version:/ { print s "=" $2 }' fixtures/real-sources/*/case
}

fetch_debian_sources() {
	local all=("${DEBIAN_SOURCES[@]}") spec
	while read -r spec; do
		all+=("$spec")
	done < <(real_sources)
	section "Debian sources: ${all[*]}"
	mkdir -p target/debian-sources
	local name version
	for spec in "${all[@]}"; do
		name="${spec%%=*}"
		version="${spec#*=}"
		if [ -f "target/debian-sources/${name}_${version#*:}.dsc" ]; then
			echo "${name} ${version}: already downloaded"
			continue
		fi
		ensure_deb_src
		(cd target/debian-sources && apt-get source --download-only "${name}=${version}")
	done
}

# Installs the build-dependencies of the real-sources tier's sources (their
# arch-specific ones: the tier builds with dpkg-buildpackage -B), from the
# .dsc files fetch_debian_sources downloaded, and ccache, which lets each
# case's second native build reuse its first one's objects.
real_sources_build_deps() {
	section "build-dependencies of the real-sources tier"
	local spec dscs=()
	while read -r spec; do
		dscs+=("./target/debian-sources/${spec%%=*}_$(echo "${spec#*=}" | sed 's/^[0-9]*://').dsc")
	done < <(real_sources)
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get build-dep -y --no-install-recommends --arch-only "${dscs[@]}"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends ccache
}

# Meson 1.7.0, Debian 13's, in a virtual environment under target/ (from
# PyPI, once), so that tests/meson_cross.rs reads the generated cross file
# with it as well as with Debian 12's 1.0.1; exports DH_RUMPRUN_TEST_MESONS.
MESON_NEXT=1.7.0
meson_next() {
	local venv="target/meson-${MESON_NEXT}"
	section "Meson ${MESON_NEXT} (Debian 13's) for the cross-file test"
	if ! "${venv}/bin/meson" --version 2>/dev/null | grep -qx "${MESON_NEXT}"; then
		rm -rf "$venv"
		python3 -m venv "$venv"
		"${venv}/bin/pip" install --quiet "meson==${MESON_NEXT}"
	fi
	export DH_RUMPRUN_TEST_MESONS="$PWD/${venv}/bin/meson"
	echo "${DH_RUMPRUN_TEST_MESONS}: $("${venv}/bin/meson" --version)"
}

# The real Rumprun toolchain (toolchain/rumprun/): its Debian source package
# built once per machine and cached under /var/cache/dh-rumprun/ by the hash
# of the source package; the .debs are copied into target/debian/ and
# TOOLCHAIN_DEBS is set to those of rumprun-toolchain-hw and
# rumprun-toolchain-xen (tools/real-toolchain).
TOOLCHAIN_SRC=toolchain/rumprun
real_toolchain_debs() {
	section "the real Rumprun toolchain (${TOOLCHAIN_SRC})"
	local upstream="${RUMPRUN_UPSTREAM:-../shared/rumprun-upstream}"
	if [ ! -f "${upstream}/SHA256SUMS" ]; then
		echo "$0: the upstream tarballs are not in ${upstream}/: set RUMPRUN_UPSTREAM to their directory" >&2
		return 1
	fi
	upstream="$(readlink -f "$upstream")"
	# The tarballs must be the ones the package was made for.
	(cd "$upstream" && sha256sum --quiet -c "${OLDPWD}/${TOOLCHAIN_SRC}/orig.sha256")

	local version key cache arch
	version="$(dpkg-parsechangelog -l "${TOOLCHAIN_SRC}/debian/changelog" -SVersion)"
	arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
	key="$(find "$TOOLCHAIN_SRC" -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum | sha256sum | cut -c1-16)"
	cache="/var/cache/dh-rumprun/rumprun-toolchain/${key}"
	if [ -f "${cache}/rumprun_${version}_${arch}.changes" ]; then
		echo "cached: ${cache}"
	else
		local work="$PWD/target/toolchain"
		local upver="${version%-*}"
		local tree="${work}/rumprun-${upver}"
		rm -rf "$work"
		mkdir -p "$tree/buildrump" "$tree/src-netbsd"
		ln -s "${upstream}/rumprun_${upver}.orig.tar.xz" \
			"${upstream}/rumprun_${upver}.orig-buildrump.tar.xz" \
			"${upstream}/rumprun_${upver}.orig-src-netbsd.tar.xz" "$work/"
		# As dpkg-source -x lays them out: the main tarball at the top,
		# each component in its directory.
		tar -xJf "${work}/rumprun_${upver}.orig.tar.xz" -C "$tree" --strip-components=1
		tar -xJf "${work}/rumprun_${upver}.orig-buildrump.tar.xz" -C "$tree/buildrump" --strip-components=1
		tar -xJf "${work}/rumprun_${upver}.orig-src-netbsd.tar.xz" -C "$tree/src-netbsd" --strip-components=1
		cp -a "${TOOLCHAIN_SRC}/debian" "$tree/"
		section "build-dependencies of ${TOOLCHAIN_SRC}"
		$SUDO env DEBIAN_FRONTEND=noninteractive \
			apt-get build-dep -y --no-install-recommends "$tree"
		section "dpkg-buildpackage -us -uc (${TOOLCHAIN_SRC}, log: target/toolchain/build.log)"
		local start
		start=$(date +%s)
		if ! (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc) \
			>"${work}/build.log" 2>&1; then
			tail -n 60 "${work}/build.log" >&2
			return 1
		fi
		echo "built in $(( $(date +%s) - start )) s"

		# The source package and the .debs; the overrides in debian/ say
		# why each is there. Warnings are shown, errors fail.
		section "lintian --fail-on error (rumprun_${version}_${arch}.changes)"
		lintian --fail-on error "${work}/rumprun_${version}_${arch}.changes" \
			>"${work}/lintian.log" 2>&1 || { cat "${work}/lintian.log"; return 1; }
		{ grep -v '^N:' "${work}/lintian.log" || true; } | sort | uniq -c
		echo "lintian: no error"

		# Into the cache through a temporary directory and a rename, so a
		# failed run leaves nothing half-copied for the next.
		$SUDO mkdir -p "$(dirname "$cache")"
		local tmp
		tmp="$($SUDO mktemp -d "${cache}.tmp.XXXXXX")"
		$SUDO cp "${work}"/*.dsc "${work}"/*.debian.tar.* "${work}"/*.deb \
			"${work}"/*.changes "${work}"/*.buildinfo "${work}"/build.log "${work}"/lintian.log "$tmp/"
		$SUDO chmod 755 "$tmp"
		$SUDO rm -rf "$cache"
		$SUDO mv "$tmp" "$cache"
		rm -rf "$tree"
	fi
	mkdir -p target/debian
	rm -f target/debian/rumprun-toolchain-*
	cp "${cache}"/rumprun-toolchain-*.deb target/debian/
	ls -l target/debian/rumprun-toolchain-*
	TOOLCHAIN_DEBS=(
		"target/debian/rumprun-toolchain-hw_${version}_${arch}.deb"
		"target/debian/rumprun-toolchain-xen_${version}_${arch}.deb"
	)
	ls "${TOOLCHAIN_DEBS[@]}" >/dev/null
}

# Installs the real toolchain's .debs (TOOLCHAIN_DEBS): in place of the
# stand-in, which conflicts with it.
install_real_toolchain() {
	section "install ${TOOLCHAIN_DEBS[*]}"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends --reinstall "${TOOLCHAIN_DEBS[@]/#/./}"
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' rumprun-toolchain-hw rumprun-toolchain-xen
}
