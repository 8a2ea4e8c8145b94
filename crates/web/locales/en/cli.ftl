# The lisa command's messages (crates/lisa). Field errors without a cli- key
# use the error- key of main.ftl.

cli-error-name-empty = the name must not be empty
cli-error-org-kind = unknown kind; choose municipality, region, agency, holding, company, committee, administration, unit or coordinator
cli-error-org-number-check = the check digit of the organisation number is wrong
cli-error-email = invalid e-mail address
cli-error-role = unknown role; choose admin, ciso, coordinator, owner, dpo, management, auditor or analyst
cli-error-language = the language must be sv or en
cli-failed-to-start = could not start: { $error }
cli-not-found = no such record
cli-bad-database-url = the database address is invalid: { $why }
cli-migrate-failed = the database could not be upgraded to this version of Lisa: { $error }
cli-database-failed = the database does not answer or returned an error: { $error }
cli-internal = an internal error: { $error }
cli-data-dir = could not create the data folder { $dir }: { $error }
cli-org-id-unknown = the organisation { $org } does not exist
cli-org-name-unknown = the organisation "{ $org }" does not exist
cli-org-name-ambiguous = several organisations are called "{ $org }"; give the id instead (lisa org list)
cli-password-stdin = could not read the password from standard input: { $error }
cli-audit-whole = The audit log is intact: { $count } entries checked.
cli-audit-broken = The audit log is broken: { $why }
cli-audit-tampered = entry { $seq } was changed after it was written
cli-audit-unlinked = entry { $seq } does not point to the entry before it (an entry was removed or inserted)
cli-audit-gap = entry { $expected } is missing (the next entry is { $seq })
cli-model-valid = The model is valid: { $key } version { $version }, { $areas } areas, { $questions } questions.
cli-model-exists = { $key } version { $version } already exists; give the changed model a new version number
cli-read-file = could not read { $file }: { $error }
cli-file-errors = { $file } has { $count } errors and was not read:
cli-model-not-loaded = the model { $key } version { $version } is not loaded; load it first
cli-stored-model-unreadable = a stored model could not be read
cli-mapping-loaded = The mapping from { $from } to { $to } is loaded: { $questions } questions and { $areas } areas.
cli-demo-not-empty = the database is not empty; demo data is only loaded into an empty database
cli-demo-loaded = Demo data loaded. Users (password for all: { $password }):
cli-demo-password-hint = (set LISA_DEMO_PASSWORD to choose the password yourself)
cli-whole-system = the whole system
cli-bind-invalid = --bind: "{ $bind }" is not an address with a port, for example 127.0.0.1:8080
cli-mail = e-mail: { $error }
cli-public-url = --public-url: "{ $url }" must start with http:// or https://
cli-port-taken = the port is taken: { $addr } is already used by another program
cli-port-denied = no permission to listen on { $addr }
cli-listen-failed = could not listen on { $addr }: { $error }
cli-no-users = Lisa has no users yet. Create the first administrator here (the link works once):
cli-reminders-by-mail = Reminders are sent by e-mail via { $server } from { $from }.
cli-running = Lisa is running at { $url } ({ $database }).
cli-database-external = external database
cli-database-embedded = embedded SQLite
cli-server-stopped = the server stopped: { $error }

# The model mapping file (lisa model map).
mapping-error-toml = the file cannot be read as TOML: { $detail }
mapping-error-version = { $field }: "{ $value }" must be key@version, for example lisa-grund@1
mapping-error-same = from and to are the same model version
mapping-error-empty = the file maps no questions and no areas
mapping-error-question = questions: the question "{ $id }" is not in { $model }
mapping-error-area = areas: the area "{ $id }" is not in { $model }
