#!/usr/bin/env bash
# Refreshes i18n/l10n_tr_edoc.pot and i18n/tr.po from the code: new terms appear in tr.po with an
# empty msgstr for a translator, existing translations are kept. Needs Odoo (see scripts/setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ "$HAVE_ODOO" = 1 ] || { echo "No Odoo source at $ODOO_PATH: run scripts/setup.sh first."; exit 1; }

db="l10n_tr_edoc_i18n_$$"
addons="$(addons_dir)"
trap 'drop_db "$db"; rm -rf "$addons"' EXIT
clone_db "$db"
odoo_bin "$addons" -d "$db" -i l10n_tr_edoc --stop-after-init --log-level=warn
# `odoo-bin i18n` takes its addons path from a configuration file only.
printf '[options]\naddons_path = %s\n' "$ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$addons" >"$addons/odoo.conf"
(cd "$ODOO_PATH" && "$PY" odoo-bin i18n export -c "$addons/odoo.conf" -d "$db" l10n_tr_edoc -l pot)
# Odoo's own tr export loses the translations of Python strings: merge the catalogue into the template.
msgmerge --quiet --no-fuzzy-matching --backup=none --update "$REPO/i18n/tr.po" "$REPO/i18n/l10n_tr_edoc.pot"
# Terms the code no longer has are dropped rather than kept as obsolete entries.
msgattrib --no-obsolete -o "$REPO/i18n/tr.po" "$REPO/i18n/tr.po"
msgfmt --check -o /dev/null "$REPO/i18n/tr.po" && echo "[i18n] tr.po: $(msgattrib --untranslated "$REPO/i18n/tr.po" | grep -c '^msgid ' || true) untranslated entries"
