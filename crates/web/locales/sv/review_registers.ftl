# Incident- och utbildningsregistren i ledningens genomgång: avsnitten
# Incidenter och Utbildning, och läget enligt registren för checklistans
# punkter. Kategorier och allvarlighet (incident-category-…,
# incident-severity-…) finns i incidents.ftl.

review-section-incidents = Incidenter
review-section-incidents-hint = Incidenter som upptäcktes under året i organisationen och i dess delar. Siffrorna kommer från incidentregistret.
review-section-training = Utbildning
review-section-training-hint = Hur många av medarbetarna som har gått de kurser som gäller för organisationen, jämfört med målet. Siffrorna kommer från utbildningsregistret.

review-incidents-none = Inga incidenter registrerade { $year }.
review-incidents-total = Incidenter
review-incidents-personal-data = Varav personuppgiftsincidenter
review-incidents-open = Inte avslutade
review-incidents-median = Mediantid från upptäckt till avslut
review-incidents-median-none = Ingen incident är avslutad
review-incidents-hours = { $n } timmar
review-incidents-days = { $n } dagar
review-incidents-by-category = Incidenter per kategori
review-incidents-by-severity = Incidenter per allvarlighet
review-incidents-col-count = Antal
review-incidents-col-outcome = Anmälan
review-incidents-deadlines = Anmälningar till IMY, CERT-SE och MSB
review-incidents-deadlines-none = Ingen incident behövde anmälas.
review-incidents-deadlines-summary = { $total } anmälningar skulle göras. { $met } gjordes i tid, { $late } gjordes för sent och { $missed } gjordes inte.
review-incidents-deadline-met = I tid
review-incidents-deadline-late = För sent
review-incidents-deadline-missed = Inte gjord
review-incidents-deadline-running = Tiden har inte gått ut
review-incidents-deadline-not-required = Behövdes inte
review-incidents-notable = Allvarliga incidenter och lärdomar
review-incidents-notable-hint = Allvarliga och kritiska incidenter och alla personuppgiftsincidenter, med de lärdomar som är nedskrivna.
review-incidents-notable-none = Inga allvarliga incidenter eller personuppgiftsincidenter under året.
review-incidents-col-incident = Incident
review-incidents-col-lessons = Lärdomar
review-incidents-no-lessons = Inga lärdomar är nedskrivna.
review-incidents-personal-data-mark = Personuppgifter
review-incidents-missed-deadlines = Anmälningar för sent eller inte gjorda: { $count }
review-incidents-trend = Incidenter per år
chart-incidents-category-alt = Stapeldiagram över årets incidenter per kategori. Siffrorna finns i tabellen.
chart-incidents-trend-alt = Linjediagram över antalet incidenter per år. Siffrorna finns i tabellen.

review-training-none = Inga kurser är registrerade för organisationen. Lägg in kurserna i utbildningsregistret.
review-training-col-course = Kurs
review-training-col-coverage = Andel som gått kursen
review-training-col-target = Mål
review-training-col-completed = Gått kursen / medarbetare
review-training-below-target = Under målet
review-training-at-target = Målet är nått
review-training-no-headcount = Antal medarbetare saknas
review-training-trend = Andel som gått kursen per år
chart-training-caption = Andel som gått kursen jämfört med målet
chart-training-alt = Stapeldiagram med andelen som gått varje kurs bredvid målet. Siffrorna finns i tabellen.
chart-training-trend-alt = Linjediagram över andelen som gått varje kurs per år. Siffrorna finns i tabellen.

review-computed-heading = Läget enligt registren
review-computed-hint = För några punkter räknar Lisa fram läget ur incidentregistret, utbildningsregistret och registren över informationstillgångar, system, risker och personuppgifter. Det står bredvid det läge som enheten själv har rapporterat. Om de inte stämmer överens står det ”Skiljer sig”.
review-computed-summary = Punkter där enhetens läge skiljer sig från registren: { $count }.
review-computed-col-reported = Enhetens läge
review-computed-col-computed = Enligt registren
review-computed-col-verdict = Jämförelse
review-computed-col-basis = Underlag
review-computed-not-reported = Inte rapporterat
review-computed-disagrees = Skiljer sig
review-computed-agrees = Stämmer
review-computed-cell = enligt registren: { $status }
review-computed-cell-differs = skiljer sig, enligt registren: { $status }
review-basis-coverage = { $completed } av { $headcount } har gått kursen ({ $pct } %). Målet är { $target } %.
review-basis-no-incidents = Inga incidenter är registrerade under året.
review-basis-incidents = Registrerade incidenter: { $total }. Öppna i mer än 30 dagar: { $open }. Avslutade utan lärdomar: { $nolessons }.
review-basis-deadlines = Anmälningar i tid: { $met }. För sent: { $late }. Inte gjorda: { $missed }.

# The unit's own report: the status the registers give a point, beside the unit's choice.
unit-report-computed = Enligt registren: { $status }.
unit-report-computed-differs = Skiljer sig från valt läge. Enligt registren: { $status }.

# Avsnittet om informationstillgångar, risker och personuppgifter, och
# underlaget för läget enligt registren för checklistans punkter 4–10.
review-section-assets = Informationstillgångar, risker och personuppgifter
review-section-assets-hint = Hur långt organisationen och dess delar har kommit med klassning, systemägare och objektledare, riskanalyser, registerförteckningen och biträdesavtal. Siffrorna kommer från registren.
review-assets-none = Registren har inga informationstillgångar, system eller behandlingar för organisationen ännu.
review-assets-registers-link = Öppna registren
review-assets-share = { $covered } av { $total } ({ $pct } %)
review-assets-classified = Informationstillgångar som är klassade och aktuella
review-assets-risk-analysed = Informationstillgångar och system med riskanalys
review-assets-risk-analysed-months = Informationstillgångar och system med riskanalys de senaste { $months } månaderna
review-assets-dpia = Behandlingar som kräver konsekvensbedömning och har en
review-assets-responsible = System med systemägare och objektledare
review-assets-records = Behandlingar med fullständig registerpost
review-assets-procured = System från leverantör med avtal och klassad information
review-assets-agreements = System hos personuppgiftsbiträde med giltigt biträdesavtal
review-assets-high-untreated = Höga risker utan åtgärd / alla höga risker
review-assets-without-agreement = System som saknar biträdesavtal / system som behöver ett
review-assets-col-classified = Klassade
review-assets-col-risk-analysed = Riskanalys
review-assets-col-dpia = Konsekvens­bedömning
review-assets-col-responsible = Ägare och objektledare
review-assets-col-records = Fullständiga behandlingar
review-assets-col-procured = Upphandling
review-assets-col-agreements = Biträdesavtal
review-assets-col-high-untreated = Höga risker utan åtgärd
review-assets-col-without-agreement = Saknar biträdesavtal
review-assets-col-scenario = Risk
review-assets-units = Per enhet
review-assets-untreated = Höga risker utan åtgärd
review-assets-untreated-none = Ingen hög risk står utan åtgärd.
chart-assets-caption = Andel som är på plats
chart-assets-alt = Stapeldiagram med andelen klassade informationstillgångar, system med ägare, riskanalyser, fullständiga behandlingar och biträdesavtal. Siffrorna finns i listan.
review-assets-trend = Utveckling över tid
review-assets-trend-hint = Andelarna vid slutet av varje år (i år: i dag), räknade från registrens datum. En informationstillgång räknas från den dag den registrerades eller klassades första gången, ett system från den dag det registrerades eller ett biträdesavtal för det skrevs under. Det som har tagits bort räknas inte.
review-assets-col-as-of = Räknat den
chart-assets-trend-caption = Andel klassade informationstillgångar, riskanalyser och biträdesavtal år för år
chart-assets-trend-alt = Linjediagram med andelen klassade och aktuella informationstillgångar, andelen med riskanalys och andelen system med giltigt biträdesavtal vid slutet av varje år. Siffrorna finns i tabellen.
review-basis-classified = { $current } av { $assets } informationstillgångar är klassade och aktuella ({ $pct } %). Klassade alls: { $classified }.
review-basis-risk-analysed = { $covered } av { $objects } informationstillgångar och system har en riskanalys från det senaste året ({ $pct } %). Höga risker utan åtgärd: { $high }.
review-basis-dpia = { $done } av { $needed } behandlingar som kräver konsekvensbedömning har en ({ $pct } %).
review-basis-responsible = { $covered } av { $systems } system har både systemägare och objektledare ({ $pct } %).
review-basis-records = { $complete } av { $processings } behandlingar har en fullständig registerpost ({ $pct } %).
review-basis-procured = { $covered } av { $systems } system från leverantör har avtalet registrerat och informationen klassad ({ $pct } %).
review-basis-agreements = { $covered } av { $systems } system där en leverantör behandlar personuppgifter har ett giltigt biträdesavtal ({ $pct } %).
