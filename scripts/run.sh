#!/usr/bin/env bash
# Starts the sandbox integrator and Odoo 19 with the addon on a demo company wired to it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ "$HAVE_ODOO" = 1 ] || { echo "No Odoo source at $ODOO_PATH: run scripts/setup.sh for how to get Odoo 19.0."; exit 1; }
"$REPO/scripts/setup.sh"

DB="${L10N_TR_EDOC_DEMO_DB:-l10n_tr_edoc_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"
SANDBOX_PORT="${SANDBOX_PORT:-8790}"
export L10N_TR_EDOC_IZIBIZ_WSDL_DIR="${L10N_TR_EDOC_IZIBIZ_WSDL_DIR:-$L10N_TR_EDOC_REFERENCE/wsdl/izibiz}"
# GİB's UBL-TR and e-Fatura packages on disk, if any: the demo checks sends against them (Settings can
# also download them from GİB).
export L10N_TR_EDOC_GIB_PACKAGE="${L10N_TR_EDOC_GIB_PACKAGE:-$L10N_TR_EDOC_REFERENCE/gib-ubl-tr}"
addons="$(addons_dir)"

cd "$REPO"
"$PY" -m core.sandbox --port "$SANDBOX_PORT" --wsdl-dir "$L10N_TR_EDOC_IZIBIZ_WSDL_DIR" &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null; rm -rf "$addons"' EXIT

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "[run] updating l10n_tr_edoc in $DB"
    odoo_bin "$addons" -d "$DB" -u l10n_tr_edoc --stop-after-init --http-port="$HTTP_PORT" --log-level=warn
else
    echo "[run] creating demo database $DB"
    clone_db "$DB"
    odoo_bin "$addons" -d "$DB" -i l10n_tr_edoc --stop-after-init --http-port="$HTTP_PORT" --log-level=warn
fi
SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" odoo_bin "$addons" shell -d "$DB" --no-http --log-level=warn \
    < "$REPO/scripts/demo_company.py"

cat <<MSG

  Odoo with l10n_tr_edoc: http://127.0.0.1:$HTTP_PORT  (login: admin, password: admin)
  Demo company "$(psql -d "$DB" -Atc "SELECT name FROM res_company WHERE id = (SELECT max(id) FROM res_company)")" sends through the SANDBOX
  integrator at http://127.0.0.1:$SANDBOX_PORT: a local test double, nothing reaches GİB.

MSG
odoo_bin "$addons" -d "$DB" --http-port="$HTTP_PORT"
