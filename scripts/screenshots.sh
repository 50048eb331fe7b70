#!/usr/bin/env bash
# Takes the documentation screenshots (tests/test_screenshots.py) in headless Chromium, on a throwaway
# database cloned from the template, into $L10N_TR_EDOC_SCREENSHOT_DIR (default static/description/screenshots),
# in English and, in its tr/ subfolder, in Turkish.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ "$HAVE_ODOO" = 1 ] || { echo "No Odoo source at $ODOO_PATH: run scripts/setup.sh for how to get Odoo 19.0."; exit 1; }
"$REPO/scripts/setup.sh" || exit 1
screens="${L10N_TR_EDOC_SCREENSHOT_DIR:-$REPO/static/description/screenshots}"

addons="$(addons_dir)"
db="l10n_tr_edoc_screenshots_$$"
trap 'drop_db "$db"; rm -rf "$addons"' EXIT
for lang in en_US tr_TR; do
    log="$(mktemp /tmp/l10n_tr_edoc_screenshots.XXXXXX.log)"
    export L10N_TR_EDOC_SCREENSHOT_DIR="$screens" L10N_TR_EDOC_SCREENSHOT_LANG=""
    [ "$lang" = tr_TR ] && export L10N_TR_EDOC_SCREENSHOT_DIR="$screens/tr" L10N_TR_EDOC_SCREENSHOT_LANG=tr_TR
    clone_db "$db" || { echo "[screenshots] cannot clone $TEMPLATE_DB: run scripts/setup.sh"; exit 1; }
    odoo_bin "$addons" -d "$db" -i l10n_tr_edoc --test-tags l10n_tr_edoc_screenshots --stop-after-init \
        --http-port="$(free_port)" --log-level=test >"$log" 2>&1
    grep -E ' (ERROR|CRITICAL) |FAIL:|skipped|odoo\.tests\.result' "$log" | tail -n 20
    if grep -qE 'odoo\.tests\.result: 0 failed, 0 error\(s\) of [1-9]' "$log" && ! grep -q ': skipped ' "$log"; then
        ls -l "$L10N_TR_EDOC_SCREENSHOT_DIR"
        echo "[screenshots] $lang done (log: $log)"
    else
        echo "[screenshots] $lang FAILED (log: $log)"
        exit 1
    fi
    drop_db "$db"
done
