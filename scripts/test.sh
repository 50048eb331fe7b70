#!/usr/bin/env bash
# Runs every check of the project: lint, the pure core suite, and (with Odoo present) the addon's Odoo
# tests plus install/upgrade/uninstall/coexistence checks in throwaway databases. Ends with "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

passed=0
failed=0
skipped=0
work="$(mktemp -d /tmp/l10n_tr_edoc_test.XXXXXX)"
dbs=()
cleanup() {
    for db in "${dbs[@]}"; do drop_db "$db"; done
    # A failing run keeps its logs (Odoo's included) for whoever has to read them.
    if [ "$failed" = 0 ]; then rm -rf "$work"; else echo "[test] logs of this run kept in $work"; fi
}
trap cleanup EXIT

check() {  # check NAME OK(0/1) [DETAIL]
    if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "[test] PASS $1"; else
        failed=$((failed + 1)); echo "[test] FAIL $1${3:+: $3}"; fi
}

"$REPO/scripts/setup.sh"
setup_rc=$?
# 3: the core is set up but Odoo could not be (setup said why); the core suite still runs.
if [ "$setup_rc" != 0 ] && [ "$setup_rc" != 3 ]; then echo "[test] setup failed"; echo "0 passed, 1 failed"; exit 1; fi
source "$REPO/scripts/common.sh"

cd "$REPO" || exit 1
"$PY" -m ruff check . >"$work/ruff.log" 2>&1; check "ruff check" $? "$(tail -3 "$work/ruff.log")"
"$PY" -m ruff format --check . >"$work/format.log" 2>&1; check "ruff format" $? "$(tail -3 "$work/format.log")"
# pylint-odoo: errors (E8xxx) fail the run, warnings are printed as advice.
mkdir -p "$work/pylint" && ln -s "$REPO" "$work/pylint/l10n_tr_edoc"
(cd "$work/pylint" && "$PY" -m pylint --rcfile="$REPO/.pylintrc" l10n_tr_edoc) >"$work/pylint.log" 2>&1
pylint_rc=$?
grep -E ': [EF][0-9]{4}:' "$work/pylint.log" | head -20
check "pylint-odoo (no errors)" $((pylint_rc & 3)) "$(grep -cE ': [EF][0-9]{4}:' "$work/pylint.log") errors"

if command -v msgfmt >/dev/null; then
    msgfmt --check -o /dev/null i18n/tr.po >"$work/msgfmt.log" 2>&1; check "msgfmt --check i18n/tr.po" $? "$(head -3 "$work/msgfmt.log")"
fi

# --- pure core ---
# The core is tested as the standalone package it is: from a folder holding only it, because the
# repository root is the Odoo addon package, which pytest would otherwise import while collecting.
mkdir -p "$work/standalone" && ln -s "$REPO/core" "$work/standalone/core"
(cd "$work/standalone" && "$PY" -m pytest -c core/pytest.ini core/tests --junitxml="$work/core.xml") \
    >"$work/core.log" 2>&1
core_rc=$?
tail -n 30 "$work/core.log"
read -r core_total core_bad < <("$PY" - "$work/core.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    suites = ET.parse(sys.argv[1]).getroot().iter("testsuite")
except (OSError, ET.ParseError):
    print(0, 1)
    raise SystemExit
total = bad = 0
for suite in suites:
    total += int(suite.get("tests", 0)) - int(suite.get("skipped", 0))
    bad += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
print(total, bad)
PY
)
[ "$core_rc" != 0 ] && [ "$core_bad" = 0 ] && core_bad=1
passed=$((passed + core_total - core_bad))
failed=$((failed + core_bad))
echo "[test] core suite: $((core_total - core_bad)) passed, $core_bad failed"

# --- Odoo ---
if [ "$HAVE_ODOO" = 0 ]; then
    echo "[test] Odoo tests SKIPPED: no Odoo source at $ODOO_PATH (set ODOO_PATH, then run scripts/setup.sh)."
else
    # Browser tours: Odoo skips them without a Chrome it can find (ODOO_BROWSER_BIN, then these names on
    # PATH) or without websocket-client; say so here rather than only in the Odoo log.
    browser="${ODOO_BROWSER_BIN:-}"
    [ -n "$browser" ] && [ -e "$browser" ] || browser=""
    for name in google-chrome chromium chromium-browser google-chrome-stable; do
        [ -n "$browser" ] || browser="$(command -v "$name")"
    done
    if [ -z "$browser" ]; then
        echo "[test] Browser tours SKIPPED: Chromium not found (no ODOO_BROWSER_BIN, google-chrome, chromium," \
            "chromium-browser or google-chrome-stable on PATH; on Debian: apt-get install chromium)"
    elif ! "$PY" -c 'import websocket' 2>/dev/null; then
        echo "[test] Browser tours SKIPPED: the Python package websocket-client is missing (run scripts/setup.sh)"
    fi
    addons="$(addons_dir)"
    port="$(free_port)"
    db="l10n_tr_edoc_test_$$"
    dbs+=("$db")
    odoo_log="$work/odoo-tests.log"
    if clone_db "$db"; then
        odoo_bin "$addons" -d "$db" -i l10n_tr_edoc --test-tags /l10n_tr_edoc --stop-after-init \
            --http-port="$port" --log-level=test >"$odoo_log" 2>&1
        odoo_rc=$?
        grep -E ' (ERROR|CRITICAL) |FAIL:|odoo\.tests\.result' "$odoo_log" | tail -n 40
        result="$(grep -oP 'odoo\.tests\.result: \K\d+ failed, \d+ error\(s\) of \d+ tests' "$odoo_log" | tail -1)"
        if [ -n "$result" ]; then
            read -r f e n < <(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"$result")
            bad=$((f + e))
            [ "$odoo_rc" != 0 ] && [ "$bad" = 0 ] && bad=1
            # Odoo counts a skipped test (a browser tour without Chromium) among its tests run.
            odoo_skipped="$(grep -cE 'odoo\.addons\.l10n_tr_edoc\.tests\.[a-z_]+: skipped ' "$odoo_log")"
            grep -E 'odoo\.addons\.l10n_tr_edoc\.tests\.[a-z_]+: skipped ' "$odoo_log" | sed -E 's/^.*: skipped /[test] skipped /' | sort -u | head -n 10
            skipped=$((skipped + odoo_skipped))
            passed=$((passed + n - f - e - odoo_skipped))
            failed=$((failed + bad))
            echo "[test] Odoo suite: $((n - f - e - odoo_skipped)) passed, $bad failed, $odoo_skipped skipped (log: odoo_rc=$odoo_rc)"
        else
            check "Odoo suite ran" 1 "no test result in the log; last lines: $(tail -5 "$odoo_log")"
        fi

        odoo_bin "$addons" -d "$db" -u l10n_tr_edoc --stop-after-init --http-port="$port" \
            >"$work/upgrade.log" 2>&1
        rc=$?; ! grep -qE ' (ERROR|CRITICAL) ' "$work/upgrade.log" && [ $rc = 0 ]
        check "upgrade (-u l10n_tr_edoc)" $? "$(grep -E ' (ERROR|CRITICAL) ' "$work/upgrade.log" | head -3)"

        odoo_bin "$addons" -d "$db" --stop-after-init --http-port="$port" >"$work/start.log" 2>&1
        rc=$?; ! grep -qE ' (WARNING|ERROR|CRITICAL) ' "$work/start.log" && [ $rc = 0 ]
        check "quiet start (no warning in Odoo's log)" $? "$(grep -E ' (WARNING|ERROR|CRITICAL) ' "$work/start.log" | head -3)"

        echo "env['ir.module.module'].search([('name', '=', 'l10n_tr_edoc')]).button_immediate_uninstall()" \
            | odoo_bin "$addons" shell -d "$db" --http-port="$port" --no-http >"$work/uninstall.log" 2>&1
        state="$(psql -d "$db" -Atc "SELECT state FROM ir_module_module WHERE name = 'l10n_tr_edoc'")"
        leftovers="$(psql -d "$db" -Atc "SELECT
            (SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'l10n\\_tr\\_edoc%')
          + (SELECT count(*) FROM information_schema.columns WHERE column_name LIKE 'l10n\\_tr\\_edoc%')")"
        ! grep -qE ' (ERROR|CRITICAL) ' "$work/uninstall.log" && [ "$state" = uninstalled ] && [ "$leftovers" = 0 ]
        check "uninstall" $? "state=$state, leftover tables/columns=$leftovers; $(grep -E ' (ERROR|CRITICAL) ' "$work/uninstall.log" | head -3)"
    else
        check "clone template database" 1 "run scripts/setup.sh"
    fi

    coexist="l10n_tr_edoc_coexist_$$"
    dbs+=("$coexist")
    if clone_db "$coexist"; then
        odoo_bin "$addons" -d "$coexist" -i l10n_tr_nilvera_einvoice,l10n_tr_nilvera_edispatch,l10n_tr_edoc \
            --stop-after-init --http-port="$port" >"$work/coexist.log" 2>&1
        rc=$?
        installed="$(psql -d "$coexist" -Atc "SELECT count(*) FROM ir_module_module WHERE state = 'installed'
            AND name IN ('l10n_tr_nilvera', 'l10n_tr_nilvera_einvoice', 'l10n_tr_nilvera_edispatch', 'l10n_tr_edoc')")"
        ! grep -qE ' (ERROR|CRITICAL) ' "$work/coexist.log" && [ $rc = 0 ] && [ "$installed" = 4 ]
        check "installs beside l10n_tr_nilvera_einvoice and l10n_tr_nilvera_edispatch" $? \
            "installed=$installed/4; $(grep -E ' (ERROR|CRITICAL) ' "$work/coexist.log" | head -3)"
    else
        check "clone template database for the coexistence check" 1 "run scripts/setup.sh"
    fi
    rm -rf "$addons"

    # The README's promise on a machine with only the clone (see scripts/fresh_clone_test.sh).
    "$REPO/scripts/fresh_clone_test.sh" >"$work/fresh.log" 2>&1
    grep -E 'logs kept' "$work/fresh.log"
    while read -r verdict name; do
        if [ "$verdict" = PASS ]; then check "$name" 0; else check "${name%%: *}" 1 "${name#*: }"; fi
    done < <(grep -E '^(PASS|FAIL) ' "$work/fresh.log")
    grep -qE '^(PASS|FAIL) ' "$work/fresh.log" || check "fresh clone check ran" 1 "$(tail -3 "$work/fresh.log")"
fi

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else
    echo "$passed passed, $failed failed"; fi
[ "$failed" = 0 ]
