#!/usr/bin/env bash
# Takes the documentation screenshots (tests/test_screenshots.py) in headless Chromium, on a throwaway
# database cloned from the template, into $L10N_TR_EDOC_SCREENSHOT_DIR (default static/description/screenshots).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ "$HAVE_ODOO" = 1 ] || { echo "No Odoo source at $ODOO_PATH: run scripts/setup.sh for how to get Odoo 19.0."; exit 1; }
"$REPO/scripts/setup.sh" || exit 1
export L10N_TR_EDOC_SCREENSHOT_DIR="${L10N_TR_EDOC_SCREENSHOT_DIR:-$REPO/static/description/screenshots}"

addons="$(addons_dir)"
db="l10n_tr_edoc_screenshots_$$"
log="$(mktemp /tmp/l10n_tr_edoc_screenshots.XXXXXX.log)"
trap 'drop_db "$db"; rm -rf "$addons"' EXIT
clone_db "$db" || { echo "[screenshots] cannot clone $TEMPLATE_DB: run scripts/setup.sh"; exit 1; }
odoo_bin "$addons" -d "$db" -i l10n_tr_edoc --test-tags l10n_tr_edoc_screenshots --stop-after-init \
    --http-port="$(free_port)" --log-level=test >"$log" 2>&1
grep -E ' (ERROR|CRITICAL) |FAIL:|skipped|odoo\.tests\.result' "$log" | tail -n 20
if grep -qE 'odoo\.tests\.result: 0 failed, 0 error\(s\) of [1-9]' "$log" && ! grep -q ': skipped ' "$log"; then
    ls -l "$L10N_TR_EDOC_SCREENSHOT_DIR"
    echo "[screenshots] done (log: $log)"
else
    echo "[screenshots] FAILED (log: $log)"
    exit 1
fi
