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
)

# Installs the packages of DEB_PACKAGES that are not installed yet.
install_debian_packages() {
	section "Debian packages: ${DEB_PACKAGES[*]}"
	local missing=() pkg
	for pkg in "${DEB_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null | grep -qx installed; then
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

# Builds dh-rumprun's .deb with dpkg-buildpackage, moves what it wrote to
# .. into target/debian/, lints it, and sets DEB to the .deb's path.
build_deb() {
	section "dpkg-buildpackage -b -uc -us"
	local version arch changes file
	version="$(dpkg-parsechangelog -SVersion)"
	arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
	changes="dh-rumprun_${version}_${arch}.changes"
	rm -f "../${changes}"
	dpkg-buildpackage -b -uc -us
	rm -rf target/debian
	mkdir -p target/debian
	local built_files=("$changes")
	while read -r file; do
		built_files+=("$file")
	done < <(sed -n '/^Files:/,/^[^ ]/{/^ /p}' "../${changes}" | awk '{print $5}')
	for file in "${built_files[@]}"; do
		mv -v "../${file}" target/debian/
	done
	DEB="target/debian/dh-rumprun_${version}_${arch}.deb"
	test -f "$DEB"

	section "lintian --fail-on error"
	lintian --fail-on error "target/debian/${changes}"
	echo "lintian: no error"
}

# Installs the .deb built by build_deb (--reinstall: the version may be installed already).
install_deb() {
	section "install ${DEB}"
	$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends --reinstall "./${DEB}"
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' dh-rumprun
}
