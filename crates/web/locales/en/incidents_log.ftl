# The audit log's names for what the incident register writes.
action-incident-create = Incident registered
action-incident-update = Incident changed
action-incident-status = Incident status changed
action-incident-entry = Entry in the incident's timeline
action-incident-report = Report to an authority recorded
action-incident-alert = Reporting deadline alert sent
action-org-nis-class = Class under the Cybersecurity Act changed
record-incident = Incident
