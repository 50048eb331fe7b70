-- a neutralized copy must never reach GİB: force the integrators' test platforms and drop the secrets
UPDATE l10n_tr_edoc_account
   SET environment = 'test',
       username = NULL,
       password = NULL,
       api_key = NULL,
       connection_state = 'untested';
