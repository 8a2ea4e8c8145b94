# The audit log's names for what the incident register writes.
action-incident-create = Incident registrerad
action-incident-update = Incident ändrad
action-incident-status = Incidentens status ändrad
action-incident-entry = Anteckning i incidentens tidslinje
action-incident-report = Rapport till myndighet registrerad
action-incident-alert = Påminnelse om rapporteringsfrist skickad
action-org-nis-class = Klassning enligt cybersäkerhetslagen ändrad
record-incident = Incident
