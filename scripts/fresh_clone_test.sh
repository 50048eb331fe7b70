#!/usr/bin/env bash
# What a newcomer gets from the README's commands on a machine with only the clone (no ../shared):
#   1. setup.sh fetches the pinned Odoo commit from a git repository standing in for Odoo's;
#   2. run.sh starts the sandbox from WSDLs obtained from a stand-in for İzibiz's and Kolaysoft's public
#      endpoints, downloads GİB's package from a stand-in for ebelge.gib.gov.tr, creates the demo database,
#      and the demo invoice sent over XML-RPC reaches "sent";
#   3. with the stand-ins gone, setup and run each say in one line what is missing and fail, no traceback.
# Called by test.sh (needs Odoo at $ODOO_PATH to build the stand-in repository); prints PASS/FAIL lines.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d /tmp/l10n_tr_edoc_fresh.XXXXXX)"
pids=()
demo_db="l10n_tr_edoc_fresh_$$"
finish() {
    for pid in "${pids[@]}"; do kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null; done
    drop_db "$demo_db"
    if [ "${failures:-1}" = 0 ]; then rm -rf "$work"; else echo "[fresh] logs kept in $work"; fi
}
trap finish EXIT
failures=0
result() {  # result NAME OK(0/1) DETAIL
    if [ "$2" = 0 ]; then echo "PASS $1"; else failures=$((failures + 1)); echo "FAIL $1: $3"; fi
}
one_line_without_traceback() {  # the file's output holds no traceback and its last non-blank line says why
    ! grep -q Traceback "$1" && [ -n "$(grep -v '^\s*$' "$1" | tail -1)" ]
}

# --- a git repository standing in for Odoo's (built once from the local tree, translations other than
# Turkish left out); GitHub serves any commit by id, so the stand-in does too.
standin_git="${L10N_TR_EDOC_ODOO_STANDIN:-$HOME/.cache/l10n_tr_edoc/odoo-standin.git}"
if ! commit="$(git --git-dir="$standin_git" rev-parse -q --verify HEAD 2>/dev/null)"; then
    rm -rf "$standin_git" && mkdir -p "$standin_git"
    git --git-dir="$standin_git" init -q --bare
    git --git-dir="$standin_git" --work-tree="$ODOO_PATH" -c core.bare=false -c core.compression=1 add -A -- . \
        ':(exclude,glob)**/i18n/*.po' ':(exclude,glob)**/__pycache__/**' ':(exclude,glob)**/*.pyc'
    git --git-dir="$standin_git" --work-tree="$ODOO_PATH" -c core.bare=false add -- ':(glob)**/i18n/tr.po'
    git --git-dir="$standin_git" --work-tree="$ODOO_PATH" -c core.bare=false -c user.name=standin -c user.email=standin@127.0.0.1 \
        commit -q -m "Odoo 19.0 stand-in" >/dev/null
    commit="$(git --git-dir="$standin_git" rev-parse HEAD)"
fi
git --git-dir="$standin_git" config uploadpack.allowAnySHA1InWant true

# --- the clone, alone in its folder
clone="$work/clone/l10n_tr_edoc"
git clone -q "$REPO" "$clone"
fresh_env=(env -u L10N_TR_EDOC_REFERENCE -u L10N_TR_EDOC_IZIBIZ_WSDL_DIR -u L10N_TR_EDOC_GIB_PACKAGE
    ODOO_PATH="$work/odoo" ODOO_VENV="$VENV" L10N_TR_EDOC_CONTRACT_CACHE="$work/contracts")

# --- stand-ins for the public addresses
standin_port="$(free_port)"
setsid "$PY" "$REPO/core/tests/standins.py" --port "$standin_port" --reference "$L10N_TR_EDOC_REFERENCE" \
    >"$work/standins.log" 2>&1 &
standins_pid=$!
pids+=("$standins_pid")
standin="http://127.0.0.1:$standin_port"
until (exec 3<>"/dev/tcp/127.0.0.1/$standin_port") 2>/dev/null; do sleep 0.2; done

"${fresh_env[@]}" ODOO_GIT_URL="file://$standin_git" ODOO_COMMIT="$commit" "$clone/scripts/setup.sh" \
    >"$work/setup.log" 2>&1
rc=$?
[ "$rc" = 0 ] && [ -f "$work/odoo/odoo-bin" ] && [ -f "$work/odoo/addons/l10n_tr/i18n/tr.po" ]
result "fresh clone: setup.sh fetches Odoo at the pinned commit" $? "rc=$rc; $(tail -2 "$work/setup.log")"

http_port="$(free_port)"
sandbox_port="$(free_port)"
setsid "${fresh_env[@]}" HTTP_PORT="$http_port" SANDBOX_PORT="$sandbox_port" L10N_TR_EDOC_DEMO_DB="$demo_db" \
    L10N_TR_EDOC_IZIBIZ_CONTRACT_HOST="$standin/izibiz" L10N_TR_EDOC_KOLAYSOFT_CONTRACT_HOST="$standin/kolaysoft" \
    L10N_TR_EDOC_GIB_PACKAGE_URL_UBL="$standin/gib/UBL-TR1.2.1_Paketi.zip" \
    L10N_TR_EDOC_GIB_PACKAGE_URL_EFATURA="$standin/gib/e-FaturaPaketi.zip" \
    "$clone/scripts/run.sh" >"$work/run.log" 2>&1 &
run_pid=$!
pids+=("$run_pid")
state=""
for _ in $(seq 1 600); do
    kill -0 "$run_pid" 2>/dev/null || break
    if grep -q "Odoo with l10n_tr_edoc" "$work/run.log" && (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; then
        state="$("$PY" - "$http_port" "$demo_db" <<'PY' 2>>"$work/send.log"
import sys, xmlrpc.client
port, db = sys.argv[1:]
uid = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
models = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/object")
(move,) = models.execute_kw(db, uid, "admin", "account.move", "search",
                            [[("move_type", "=", "out_invoice"), ("state", "=", "posted")]], {"limit": 1})
models.execute_kw(db, uid, "admin", "account.move", "action_l10n_tr_edoc_send", [[move]])
print(models.execute_kw(db, uid, "admin", "account.move", "read", [[move], ["l10n_tr_edoc_state"]])[0]["l10n_tr_edoc_state"])
PY
)"
        break
    fi
    sleep 1
done
grep -q "XSD and schematron checks: on" "$work/run.log" && [ -n "$(ls -A "$work/contracts/izibiz" 2>/dev/null)" ]
result "fresh clone: run.sh obtains the WSDLs and GİB's package from the public addresses" $? \
    "$(grep '^\[run\]' "$work/run.log" | tail -3)"
[ "$state" = sent ] || [ "$state" = delivered ]
result "fresh clone: the demo invoice reaches sent" $? "state=${state:-none}; $(tail -3 "$work/run.log") $(tail -2 "$work/send.log" 2>/dev/null)"
kill -- -"$run_pid" 2>/dev/null
wait "$run_pid" 2>/dev/null
kill -- -"$standins_pid" 2>/dev/null
wait "$standins_pid" 2>/dev/null

# --- the same clone, stand-ins gone: one line each, non-zero, no traceback
"${fresh_env[@]}" ODOO_PATH="$work/no-odoo" ODOO_GIT_URL="file://$work/gone.git" ODOO_COMMIT="$commit" \
    "$clone/scripts/setup.sh" >"$work/setup-offline.log" 2>&1
rc=$?
[ "$rc" != 0 ] && one_line_without_traceback "$work/setup-offline.log" && grep -q "Odoo not set up" "$work/setup-offline.log"
result "fresh clone offline: setup.sh says what is missing" $? "rc=$rc; $(tail -2 "$work/setup-offline.log")"

rm -rf "$work/contracts"
"${fresh_env[@]}" HTTP_PORT="$(free_port)" SANDBOX_PORT="$(free_port)" L10N_TR_EDOC_DEMO_DB="$demo_db" \
    L10N_TR_EDOC_IZIBIZ_CONTRACT_HOST="$standin/izibiz" timeout 300 "$clone/scripts/run.sh" \
    >"$work/run-offline.log" 2>&1
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] && one_line_without_traceback "$work/run-offline.log" \
    && grep -q "L10N_TR_EDOC_IZIBIZ_WSDL_DIR" "$work/run-offline.log"
result "fresh clone offline: run.sh says what is missing" $? "rc=$rc; $(tail -2 "$work/run-offline.log")"
exit "$failures"
