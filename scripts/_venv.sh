# shellcheck shell=bash
# Shared by scripts/run and scripts/test: sourced, never executed.
#
# After sourcing, call `xinfang_ensure_venv`. It
#   * creates .venv with Python >= 3.11 when it is missing (or broken),
#   * installs requirements.lock and then the project itself (editable, no deps)
#     only when requirements.lock or pyproject.toml changed since the last
#     successful install; their sha256 sums are kept in .venv/.xinfang-stamp.
# A second run therefore costs a few milliseconds and needs no network.
#
# Everything it prints goes to stderr, so the caller's stdout stays clean.
# Set XINFANG_PYTHON=/path/to/python3.x to choose the interpreter for a new venv.

XINFANG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
XINFANG_VENV="$XINFANG_ROOT/.venv"
XINFANG_VENV_PY="$XINFANG_VENV/bin/python"
XINFANG_STAMP="$XINFANG_VENV/.xinfang-stamp"

xinfang_say() { printf 'xinfang: %s\n' "$*" >&2; }
xinfang_die() { printf 'xinfang: error: %s\n' "$*" >&2; exit 1; }

# Prints the command of the first Python >= 3.11 found.
xinfang_find_python() {
    local candidates=() c seen=""
    if [[ -n "${XINFANG_PYTHON:-}" ]]; then
        candidates=("$XINFANG_PYTHON")
    else
        candidates=(python3 python3.11 python3.12 python3.13 python3.14)
    fi
    for c in "${candidates[@]}"; do
        command -v "$c" >/dev/null 2>&1 || continue
        if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            printf '%s\n' "$c"
            return 0
        fi
        seen+="    $c -> $("$c" -V 2>&1 | head -n 1)"$'\n'
    done
    {
        echo "xinfang: error: xinfang-desk needs Python 3.11 or newer to create .venv."
        if [[ -n "$seen" ]]; then
            echo "  Found only:"
            printf '%s' "$seen"
        else
            echo "  No python3 was found on PATH (tried: ${candidates[*]})."
        fi
        echo "  Install Python 3.11 (Debian 12: apt-get install python3 python3-venv)"
        echo "  or point XINFANG_PYTHON at a Python >= 3.11 interpreter."
    } >&2
    return 1
}

xinfang_requirements_digest() {
    if command -v sha256sum >/dev/null 2>&1; then
        (cd "$XINFANG_ROOT" && sha256sum requirements.lock pyproject.toml)
    else
        (cd "$XINFANG_ROOT" && shasum -a 256 requirements.lock pyproject.toml)
    fi
}

xinfang_stamp_is_current() {
    [[ -f "$XINFANG_STAMP" ]] && [[ "$(<"$XINFANG_STAMP")" == "$1" ]]
}

xinfang_create_venv() {
    local py
    if [[ -e "$XINFANG_VENV" ]]; then
        xinfang_say ".venv is broken or older than Python 3.11; recreating it"
        rm -rf -- "$XINFANG_VENV"
    fi
    py="$(xinfang_find_python)" || exit 1
    xinfang_say "creating .venv with $py ($("$py" -V 2>&1))"
    if ! "$py" -m venv "$XINFANG_VENV" >&2; then
        rm -rf -- "$XINFANG_VENV"
        xinfang_die "'$py -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
}

xinfang_install_into_venv() {
    local digest="$1" started=$SECONDS
    local pip=("$XINFANG_VENV_PY" -m pip --no-input --disable-pip-version-check)
    rm -f -- "$XINFANG_STAMP"
    xinfang_say "installing requirements.lock into .venv"
    "${pip[@]}" install --progress-bar off -r "$XINFANG_ROOT/requirements.lock" >&2 \
        || xinfang_die "pip could not install requirements.lock"
    xinfang_say "installing xinfang-desk itself (editable, --no-deps)"
    "${pip[@]}" install --progress-bar off --no-deps -e "$XINFANG_ROOT" >&2 \
        || xinfang_die "pip could not install the project (pip install --no-deps -e .)"
    printf '%s\n' "$digest" >"$XINFANG_STAMP.tmp"
    mv -f -- "$XINFANG_STAMP.tmp" "$XINFANG_STAMP"
    xinfang_say ".venv is up to date ($((SECONDS - started)) s)"
}

xinfang_ensure_venv() {
    local digest
    if [[ ! -x "$XINFANG_VENV_PY" ]] ||
        ! "$XINFANG_VENV_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        xinfang_create_venv
    fi
    digest="$(xinfang_requirements_digest)" || xinfang_die "cannot read requirements.lock / pyproject.toml"
    xinfang_stamp_is_current "$digest" && return 0

    # Slow path. Serialise installs when two scripts start at once in one tree;
    # fd 9 is closed again before returning, so the lock is not inherited.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$XINFANG_VENV/.xinfang-install.lock"
        flock 9
    fi
    if ! xinfang_stamp_is_current "$digest"; then
        xinfang_install_into_venv "$digest"
    fi
    if command -v flock >/dev/null 2>&1; then
        exec 9>&-
    fi
}

# Debian packages the program needs to show its window on a Linux desktop (Qt's xcb platform and a
# Simplified Chinese font); the tests add their own on top (scripts/test).
XINFANG_RUNTIME_PACKAGES=(
    fonts-noto-cjk
    libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0
    libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0
)

# Installs the given Debian packages when any is missing (one apt-get update + install; sudo only
# when not root). XINFANG_SKIP_APT=1 skips this step.
xinfang_ensure_debian_packages() {
    local wanted=("$@")
    if [[ "${XINFANG_SKIP_APT:-}" == 1 ]]; then
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        xinfang_say "not a Debian-like system: skipping system packages; install yourself:" \
            "${wanted[*]}"
        return 0
    fi
    local -A installed=()
    local name status missing=()
    while read -r name status; do
        [[ "$status" == "install ok installed" ]] && installed["$name"]=1
    done < <(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)
    for name in "${wanted[@]}"; do
        [[ -n "${installed[$name]:-}" ]] || missing+=("$name")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local as_root=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            xinfang_die "missing Debian packages and no sudo: as root run apt-get install ${missing[*]}"
        as_root=(sudo)
        [[ -t 0 ]] || as_root=(sudo -n)
    fi
    local started=$SECONDS
    xinfang_say "installing Debian packages: ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >&2 ||
        xinfang_say "warning: apt-get update failed; trying the install anyway"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" </dev/null >&2 ||
        xinfang_die "apt-get install failed for: ${missing[*]}"
    xinfang_say "Debian packages installed ($((SECONDS - started)) s)"
}

