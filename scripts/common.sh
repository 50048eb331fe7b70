# Shared settings of the setup, test and run commands (sourced, not executed).
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo-src}"
TEMPLATE_DB="${L10N_TR_EDOC_TEMPLATE_DB:-l10n_tr_edoc_template}"
TEMPLATE_MODULES="account,account_edi_ubl_cii,l10n_tr,stock,mail,certificate"
FILESTORE="${HOME}/.local/share/Odoo/filestore"
export L10N_TR_EDOC_REFERENCE="${L10N_TR_EDOC_REFERENCE:-$(cd "$REPO/.." && pwd)/shared/reference}"

if [ -f "$ODOO_PATH/odoo-bin" ]; then
    HAVE_ODOO=1
    VENV="${ODOO_VENV:-/opt/odoo-venv}"
else
    HAVE_ODOO=0
    VENV="${L10N_TR_EDOC_VENV:-$REPO/.venv}"
fi
PY="$VENV/bin/python"

# The addons path needs a parent folder whose child is named like the module, whatever the clone is called.
addons_dir() {
    local dir
    dir="$(mktemp -d /tmp/l10n_tr_edoc_addons.XXXXXX)"
    ln -s "$REPO" "$dir/l10n_tr_edoc"
    echo "$dir"
}

odoo_bin() {  # odoo_bin ADDONS_DIR [shell] OPTIONS...
    local addons="$1"; shift
    local command=()
    [ "${1:-}" = shell ] && { command=(shell); shift; }
    (cd "$ODOO_PATH" && "$PY" odoo-bin "${command[@]}" \
        --addons-path="$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$addons" --http-interface=127.0.0.1 "$@")
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

clone_db() {
    local target="$1" attempt
    dropdb --if-exists "$target" >/dev/null 2>&1
    # PostgreSQL refuses to copy a template while another session (a parallel clone, a rebuild) uses it.
    for attempt in $(seq 1 60); do
        createdb -T "$TEMPLATE_DB" "$target" 2>/dev/null && break
        [ "$attempt" = 60 ] && { createdb -T "$TEMPLATE_DB" "$target"; return 1; }
        sleep 5
    done
    rm -rf "$FILESTORE/$target"
    if [ -d "$FILESTORE/$TEMPLATE_DB" ]; then
        mkdir -p "$FILESTORE" && cp -a "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$target"
    fi
}

drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1
    rm -rf "${FILESTORE:?}/$1"
}
