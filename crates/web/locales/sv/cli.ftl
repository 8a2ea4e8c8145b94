# The lisa command's messages (crates/lisa). Field errors without a cli- key
# use the error- key of main.ftl.

cli-error-name-empty = namnet får inte vara tomt
cli-error-org-kind = okänd typ; välj municipality, region, agency, holding, company, committee, administration, unit eller coordinator
cli-error-org-number-check = organisationsnumrets kontrollsiffra stämmer inte
cli-error-email = ogiltig e-postadress
cli-error-role = okänd roll; välj admin, ciso, coordinator, owner, dpo, management, auditor eller analyst
cli-error-language = språket ska vara sv eller en
cli-failed-to-start = kunde inte starta: { $error }
cli-not-found = uppgiften finns inte
cli-bad-database-url = databasadressen är ogiltig: { $why }
cli-migrate-failed = databasen kunde inte uppdateras till den här versionen av Lisa: { $error }
cli-database-failed = databasen svarar inte eller gav ett fel: { $error }
cli-internal = ett internt fel: { $error }
cli-data-dir = kunde inte skapa datamappen { $dir }: { $error }
cli-org-id-unknown = organisationen { $org } finns inte
cli-org-name-unknown = organisationen "{ $org }" finns inte
cli-org-name-ambiguous = flera organisationer heter "{ $org }"; ange id i stället (lisa org list)
cli-password-stdin = kunde inte läsa lösenordet från standard in: { $error }
cli-audit-whole = Loggboken är hel: { $count } poster kontrollerade.
cli-audit-broken = Loggboken är bruten: { $why }
cli-audit-tampered = post { $seq } har ändrats efter att den skrevs
cli-audit-unlinked = post { $seq } pekar inte på posten före (en post har tagits bort eller lagts till)
cli-audit-gap = post { $expected } saknas (nästa post är { $seq })
cli-model-valid = Modellen är giltig: { $key } version { $version }, { $areas } områden, { $questions } frågor.
cli-model-exists = { $key } version { $version } finns redan; ge den ändrade modellen ett nytt versionsnummer
cli-read-file = kunde inte läsa { $file }: { $error }
cli-file-errors = { $file } innehåller { $count } fel och lästes inte in:
cli-model-not-loaded = modellen { $key } version { $version } är inte inläst; läs in den först
cli-stored-model-unreadable = en lagrad modell kunde inte läsas
cli-mapping-loaded = Mappningen från { $from } till { $to } är inläst: { $questions } frågor och { $areas } områden.
cli-demo-not-empty = databasen är inte tom; demodata läses bara in i en tom databas
cli-demo-loaded = Demodata inläst. Användare (lösenord för alla: { $password }):
cli-demo-password-hint = (sätt LISA_DEMO_PASSWORD för att välja lösenordet själv)
cli-whole-system = hela systemet
cli-bind-invalid = --bind: "{ $bind }" är ingen adress med port, till exempel 127.0.0.1:8080
cli-mail = e-post: { $error }
cli-public-url = --public-url: "{ $url }" ska börja med http:// eller https://
cli-port-taken = porten är upptagen: { $addr } används redan av ett annat program
cli-port-denied = saknar behörighet att lyssna på { $addr }
cli-listen-failed = kunde inte lyssna på { $addr }: { $error }
cli-no-users = Lisa har inga användare ännu. Skapa den första administratören här (länken fungerar en gång):
cli-reminders-by-mail = Påminnelser skickas med e-post via { $server } från { $from }.
cli-running = Lisa är igång på { $url } ({ $database }).
cli-database-external = extern databas
cli-database-embedded = inbyggd SQLite
cli-server-stopped = servern stannade: { $error }

# The model mapping file (lisa model map).
mapping-error-toml = filen kan inte läsas som TOML: { $detail }
mapping-error-version = { $field }: "{ $value }" ska vara nyckel@version, till exempel lisa-grund@1
mapping-error-same = from och to är samma modellversion
mapping-error-empty = filen mappar inga frågor och inga områden
mapping-error-question = questions: frågan "{ $id }" finns inte i { $model }
mapping-error-area = areas: området "{ $id }" finns inte i { $model }
