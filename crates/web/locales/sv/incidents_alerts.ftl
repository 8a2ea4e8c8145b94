# E-mail when an incident's reporting deadline is near or has passed.
incident-alert-subject-near = Påminnelse: { $step } för incidenten "{ $title }" ska göras senast { $due }
incident-alert-subject-missed = Tidsfristen har passerat: { $step } för incidenten "{ $title }" (senast { $due })
incident-alert-greeting = Hej!
incident-alert-near = Incidenten "{ $title }" i { $org } har en tidsfrist som snart går ut: { $step } till { $recipient } ska göras senast { $due } (svensk tid). Det är inte registrerat i Lisa att den är gjord.
incident-alert-missed = Incidenten "{ $title }" i { $org } har en tidsfrist som har passerat: { $step } till { $recipient } skulle ha gjorts senast { $due } (svensk tid). Gör den så snart som möjligt och registrera när den gjordes.
incident-alert-source = Tidsfristen följer av { $source }.
incident-alert-record = Registrera i Lisa när anmälan eller rapporten är gjord, eller att den inte behövs:
incident-alert-why = Du får det här meddelandet eftersom du är samordnare, informationssäkerhetsansvarig eller dataskyddsombud för organisationen. Meddelandet skickas en gång.

# The start page's tasks for incidents' deadlines.
task-incident-deadline-title = { $step }: tidsfristen löper för { $org }
task-incident-deadline = Incidenten "{ $title }": gör anmälan eller rapporten i tid och registrera när den gjordes.
task-incident-deadline-missed-title = { $step }: tidsfristen har passerat för { $org }
task-incident-deadline-missed = Incidenten "{ $title }": anmälan eller rapporten är inte registrerad som gjord. Gör den så snart som möjligt.
task-incident-due = Senast: { $date } (svensk tid)

error-incident-closed-at = En avslutad incident ska ha en tidpunkt då den avslutades, och en öppen incident ska inte ha någon.

# Year wheel: reporting deadlines of open incidents and training to renew.
yearwheel-deadline = Tidsfrist för incidentrapportering
yearwheel-deadline-missed = Tidsfristen har passerat
yearwheel-renewal = Utbildningen ska förnyas
yearwheel-renewal-expired = Har gått ut
yearwheel-renewal-units = { $count } enheter

# Escalations sent, listed under each reporting duty on the incident's page.
incident-alerts-sent = Påminnelser som har skickats
incident-alert-sent-near = { $at }: påminnelse om att tidsfristen närmar sig, visad i Lisa.
incident-alert-sent-missed = { $at }: påminnelse om att tidsfristen har passerat, visad i Lisa.
incident-alert-emailed = E-post skickades till { $count } mottagare.
incident-alert-not-emailed = Ingen e-post skickades.
