from odoo import models


class L10nTrEdocTracking(models.AbstractModel):
    """Tracked changes of many records logged with one create per model instead of one per record.

    mail.thread decides what changed and logs each record's message with a create of its own (a few
    milliseconds); the send cron moves thousands of documents and their invoices from state to state
    at once, and those creates were a third of its time. The messages and their tracking values stay
    what mail.thread writes; a message with a subtype (one that notifies followers) is posted as before.

    A model lists it before ``mail.thread`` (or before the model it extends), so that these methods
    come first.
    """

    _name = "l10n_tr_edoc.tracking"
    _description = "e-Document Batched Tracking"

    def _message_track(self, fields_iter, initial_values_dict):
        data, key = self.env.cr.precommit.data, self._l10n_tr_edoc_tracking_key()
        if key in data:  # already gathering
            return super()._message_track(fields_iter, initial_values_dict)
        logs = data[key] = []
        try:
            tracking = super()._message_track(fields_iter, initial_values_dict)
        finally:
            del data[key]
        self._l10n_tr_edoc_write_logs(logs)
        return tracking

    def _message_log(self, **kwargs):
        logs = self.env.cr.precommit.data.get(self._l10n_tr_edoc_tracking_key())
        commands = kwargs.get("tracking_value_ids") or ()
        if (
            logs is None
            or set(kwargs) - {"body", "author_id", "tracking_value_ids"}
            or not all(len(command) == 3 and command[0] == 0 for command in commands)
        ):
            return super()._message_log(**kwargs)
        logs.append((self, kwargs))
        return self.env["mail.message"]

    def _l10n_tr_edoc_tracking_key(self):
        return f"l10n_tr_edoc.tracking_logs.{self._name}"

    def _l10n_tr_edoc_write_logs(self, logs):
        """One ``_message_log_batch`` per author, then every tracking value in one create."""
        by_author = {}
        for record, values in logs:
            by_author.setdefault(values.get("author_id"), []).append((record, values))
        tracking_values = []
        for author_id, entries in by_author.items():
            messages = self.browse([record.id for record, _values in entries])._message_log_batch(
                {record.id: values.get("body", "") for record, values in entries}, author_id=author_id
            )
            for message, (_record, values) in zip(messages, entries, strict=True):
                tracking_values += [
                    {**command[2], "mail_message_id": message.id}
                    for command in values.get("tracking_value_ids") or ()
                ]
        if tracking_values:
            self.env["mail.tracking.value"].sudo().create(tracking_values)
