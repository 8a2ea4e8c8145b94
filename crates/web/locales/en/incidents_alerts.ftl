# E-mail when an incident's reporting deadline is near or has passed.
incident-alert-subject-near = Reminder: { $step } for the incident "{ $title }" is due by { $due }
incident-alert-subject-missed = Deadline passed: { $step } for the incident "{ $title }" (due { $due })
incident-alert-greeting = Hello,
incident-alert-near = The incident "{ $title }" in { $org } has a deadline that runs out soon: { $step } to { $recipient } is due by { $due } (Swedish time). Lisa has no record that it has been made.
incident-alert-missed = The incident "{ $title }" in { $org } has a deadline that has passed: { $step } to { $recipient } was due by { $due } (Swedish time). Make it as soon as possible and record when it was made.
incident-alert-source = The deadline follows from { $source }.
incident-alert-record = Record in Lisa when the notification or report has been made, or that it is not needed:
incident-alert-why = You receive this message because you are a coordinator, the information security officer or the data protection officer of the organisation. It is sent once.

# The start page's tasks for incidents' deadlines.
task-incident-deadline-title = { $step }: the deadline is running for { $org }
task-incident-deadline = The incident "{ $title }": make the notification or report in time and record when it was made.
task-incident-deadline-missed-title = { $step }: the deadline has passed for { $org }
task-incident-deadline-missed = The incident "{ $title }": the notification or report is not recorded as made. Make it as soon as possible.
task-incident-due = Due by: { $date } (Swedish time)

error-incident-closed-at = A closed incident must have the time it was closed, and an open incident must not have one.

# Year wheel: reporting deadlines of open incidents and training to renew.
yearwheel-deadline = Incident reporting deadline
yearwheel-deadline-missed = The deadline has passed
yearwheel-renewal = The training is to be renewed
yearwheel-renewal-expired = Has run out
yearwheel-renewal-units = { $count } units

# Escalations sent, listed under each reporting duty on the incident's page.
incident-alerts-sent = Reminders sent
incident-alert-sent-near = { $at }: reminder that the deadline is near, shown in Lisa.
incident-alert-sent-missed = { $at }: reminder that the deadline has passed, shown in Lisa.
incident-alert-emailed = E-mailed to { $count } recipients.
incident-alert-not-emailed = No e-mail was sent.
