#!/usr/bin/env bash
# Starts the sandbox integrator and Odoo 19 with the addon on a demo company wired to it.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$REPO/scripts/setup.sh" || { echo "[run] not started: Odoo is not set up (the line above says why)."; exit 1; }
source "$REPO/scripts/common.sh"

DB="${L10N_TR_EDOC_DEMO_DB:-l10n_tr_edoc_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"
SANDBOX_PORT="${SANDBOX_PORT:-8790}"
addons="$(addons_dir)"
sandbox_log="$(mktemp /tmp/l10n_tr_edoc_sandbox.XXXXXX)"

cd "$REPO" || exit 1
# The sandbox speaks İzibiz's and Kolaysoft's published WSDLs: from L10N_TR_EDOC_IZIBIZ_WSDL_DIR when set,
# else obtained once from the integrators' public test endpoints and cached (python -m core.sandbox --help).
sandbox_args=(--port "$SANDBOX_PORT")
[ -n "${L10N_TR_EDOC_IZIBIZ_WSDL_DIR:-}" ] && sandbox_args+=(--wsdl-dir "$L10N_TR_EDOC_IZIBIZ_WSDL_DIR")
"$PY" -m core.sandbox "${sandbox_args[@]}" >"$sandbox_log" 2>&1 &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null; rm -rf "$addons" "$sandbox_log"' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$SANDBOX_PORT") 2>/dev/null; do
    if ! kill -0 "$sandbox_pid" 2>/dev/null; then
        echo "[run] not started: $(grep -v '^\s*$' "$sandbox_log" | tail -1)"
        exit 1
    fi
    sleep 0.5
done
cat "$sandbox_log"

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "[run] updating l10n_tr_edoc in $DB"
    odoo_bin "$addons" -d "$DB" -u l10n_tr_edoc --stop-after-init --http-port="$HTTP_PORT" --log-level=warn || exit 1
else
    echo "[run] creating demo database $DB"
    clone_db "$DB" || exit 1
    odoo_bin "$addons" -d "$DB" -i l10n_tr_edoc --stop-after-init --http-port="$HTTP_PORT" --log-level=warn || exit 1
fi
SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" odoo_bin "$addons" shell -d "$DB" --no-http --log-level=warn \
    < "$REPO/scripts/demo_company.py" || exit 1

cat <<MSG

  Odoo with l10n_tr_edoc: http://127.0.0.1:$HTTP_PORT  (login: admin, password: admin)
  Demo company "$(psql -d "$DB" -Atc "SELECT name FROM res_company WHERE id = (SELECT max(id) FROM res_company)")" sends through the SANDBOX
  integrator at http://127.0.0.1:$SANDBOX_PORT: a local test double, nothing reaches GİB.

MSG
odoo_bin "$addons" -d "$DB" --http-port="$HTTP_PORT"
