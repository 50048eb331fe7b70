#!/usr/bin/env bash
# Installs what the tests and the run command need. Safe to run again: it skips what is done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

say() { printf '[setup] %s\n' "$*"; }

# Odoo 19.0 Community from its official repository, shallow, when $ODOO_PATH holds none. ODOO_GIT_URL may
# name a mirror, a local repository or a .tar.gz of an Odoo tree; ODOO_COMMIT a commit id or the branch.
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ODOO_COMMIT="${ODOO_COMMIT:-19.0}"
odoo_fetch_error=""

fetch_odoo() {
    local staging error
    mkdir -p "$(dirname "$ODOO_PATH")" || { odoo_fetch_error="cannot create $(dirname "$ODOO_PATH")"; return 1; }
    staging="$(mktemp -d "$(dirname "$ODOO_PATH")/.odoo-fetch.XXXXXX")"
    say "fetching Odoo 19.0 ($ODOO_COMMIT) from $ODOO_GIT_URL into $ODOO_PATH"
    if [[ "$ODOO_GIT_URL" == *.tar.gz || "$ODOO_GIT_URL" == *.tgz ]]; then
        error="$(tar -xzf "$ODOO_GIT_URL" -C "$staging" --strip-components=1 2>&1)"
    else
        # A stalled transfer is given up after 60 s below 1 kB/s rather than hanging the setup.
        error="$(git -C "$staging" init -q 2>&1 \
            && GIT_HTTP_LOW_SPEED_LIMIT=1000 GIT_HTTP_LOW_SPEED_TIME=60 GIT_TERMINAL_PROMPT=0 \
                git -C "$staging" fetch -q --depth 1 "$ODOO_GIT_URL" "$ODOO_COMMIT" 2>&1 \
            && git -C "$staging" -c advice.detachedHead=false checkout -q FETCH_HEAD 2>&1 \
            && rm -rf "$staging/.git")"
    fi
    if [ -z "$error" ] && ! grep -qE "^version_info = \(19, 0," "$staging/odoo/release.py" 2>/dev/null; then
        error="what was fetched is not Odoo 19.0 (no odoo/release.py of version 19.0)"
    fi
    if [ -n "$error" ] || [ ! -f "$staging/odoo-bin" ]; then
        rm -rf "$staging"
        odoo_fetch_error="$(printf '%s' "${error:-no odoo-bin in what was fetched}" | grep -v '^\s*$' | tail -1)"
        return 1
    fi
    rmdir "$ODOO_PATH" 2>/dev/null || true
    mv "$staging" "$ODOO_PATH"
}

if [ "$HAVE_ODOO" = 0 ]; then
    if [ -e "$ODOO_PATH" ] && [ -n "$(ls -A "$ODOO_PATH" 2>/dev/null)" ]; then
        odoo_fetch_error="$ODOO_PATH exists and is not an Odoo tree; not touching it"
    elif fetch_odoo; then
        HAVE_ODOO=1
        VENV="${ODOO_VENV:-/opt/odoo-venv}"
        PY="$VENV/bin/python"
    fi
fi

pick_python() {
    for candidate in "${PYTHON:-}" "$(command -v pyenv >/dev/null && echo "$(pyenv root)/versions/3.12.1/bin/python")" \
        python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; then
            echo "$candidate"; return
        fi
    done
    echo "No Python 3.10-3.13 found; install one (Odoo 19 supports 3.10 to 3.13)." >&2
    exit 1
}

apt_install() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        say "please install these system packages: ${missing[*]}"; return
    fi
    say "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Headers to build lxml and xmlsec against one system libxml2, wkhtmltopdf and pdftoppm for the PDF
# printouts and their tests; with Odoo also the headers its own requirements build against and
# Chromium, in which Odoo's HttpCase runs the addon's browser tours.
system_packages=(build-essential pkg-config libxml2-dev libxslt1-dev libxmlsec1-dev libxmlsec1-openssl
    wkhtmltopdf poppler-utils gettext)
[ "$HAVE_ODOO" = 1 ] && system_packages+=(libpq-dev libldap2-dev libsasl2-dev chromium)
apt_install "${system_packages[@]}"

[ -x "$PY" ] || { say "creating virtualenv $VENV"; "$(pick_python)" -m venv "$VENV"; }

stamp_file="$VENV/.l10n_tr_edoc-setup"
requirement_files=("$REPO/requirements.txt" "$REPO/requirements-test.txt")
[ "$HAVE_ODOO" = 1 ] && requirement_files+=("$ODOO_PATH/requirements.txt")
stamp="$(cat "${requirement_files[@]}" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
    say "installing Python packages into $VENV"
    "$PY" -m pip install -q -U pip setuptools wheel
    [ "$HAVE_ODOO" = 1 ] && "$PY" -m pip install -q -r "$ODOO_PATH/requirements.txt"
    "$PY" -m pip install -q -r "$REPO/requirements.txt" -r "$REPO/requirements-test.txt"
    # PyPI's lxml and xmlsec wheels bundle different libxml2 builds; built here they share the system one.
    if ! "$PY" -c 'import lxml.etree, xmlsec' 2>/dev/null; then
        say "building lxml and xmlsec against the system libxml2 (a few minutes, once)"
        lxml_version="$("$PY" -c 'import lxml; print(lxml.__version__)')"
        "$PY" -m pip install -q --force-reinstall --no-deps --no-binary lxml,xmlsec "lxml==$lxml_version" xmlsec
    fi
    echo "$stamp" > "$stamp_file"
fi

if [ "$HAVE_ODOO" = 0 ]; then
    say "Odoo not set up: $odoo_fetch_error. The pure core is ready in $VENV; set ODOO_PATH to an Odoo 19.0 tree or ODOO_GIT_URL to a reachable copy and run this again."
    exit 3
fi

# Test databases are cloned from a template that already holds the addon's dependencies (about 70 s once).
template_key="$(cat "$ODOO_PATH/odoo/release.py" <(echo "$TEMPLATE_MODULES") | sha256sum | cut -c1-16)"
current_key="$(psql -d postgres -Atc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$TEMPLATE_DB'" 2>/dev/null || true)"
if [ "$current_key" != "$template_key" ]; then
    say "creating template database $TEMPLATE_DB ($TEMPLATE_MODULES)"
    # Built under a temporary name and swapped in, so parallel test runs never clone a half-built template.
    building="${TEMPLATE_DB}_build_$$"
    addons="$(addons_dir)"
    odoo_bin "$addons" -d "$building" -i "$TEMPLATE_MODULES" --stop-after-init --http-port="$(free_port)" \
        --log-level=warn
    rm -rf "$addons"
    psql -d postgres -qc "COMMENT ON DATABASE \"$building\" IS '$template_key'"
    dropdb --if-exists --force "$TEMPLATE_DB"
    psql -d postgres -qc "ALTER DATABASE \"$building\" RENAME TO \"$TEMPLATE_DB\""
    rm -rf "${FILESTORE:?}/$TEMPLATE_DB"
    if [ -d "$FILESTORE/$building" ]; then mv "$FILESTORE/$building" "$FILESTORE/$TEMPLATE_DB"; fi
fi
say "ready: Python $("$PY" -c 'import sys; print(sys.version.split()[0])') in $VENV, Odoo at $ODOO_PATH, template $TEMPLATE_DB"
