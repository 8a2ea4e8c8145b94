# The incident and training registers in the management review: the
# Incidents and Training sections, and the checklist points' status according
# to the registers. Categories and severities (incident-category-…,
# incident-severity-…) are in incidents.ftl.

review-section-incidents = Incidents
review-section-incidents-hint = Incidents discovered during the year in the organisation and its parts. The figures come from the incident register.
review-section-training = Training
review-section-training-hint = How many of the staff have completed the courses that apply to the organisation, compared with the target. The figures come from the training register.

review-incidents-none = No incidents registered in { $year }.
review-incidents-total = Incidents
review-incidents-personal-data = Of which personal data breaches
review-incidents-open = Not closed
review-incidents-median = Median time from discovery to closing
review-incidents-median-none = No incident has been closed
review-incidents-hours = { $n } hours
review-incidents-days = { $n } days
review-incidents-by-category = Incidents by category
review-incidents-by-severity = Incidents by severity
review-incidents-col-count = Number
review-incidents-col-outcome = Notification
review-incidents-deadlines = Notifications to IMY, CERT-SE and MSB
review-incidents-deadlines-none = No incident had to be notified.
review-incidents-deadlines-summary = { $total } notifications were due. { $met } were made in time, { $late } were late and { $missed } were not made.
review-incidents-deadline-met = In time
review-incidents-deadline-late = Late
review-incidents-deadline-missed = Not made
review-incidents-deadline-running = Time has not run out
review-incidents-deadline-not-required = Not required
review-incidents-notable = Serious incidents and lessons learned
review-incidents-notable-hint = Serious and critical incidents and every personal data breach, with the lessons learned that are written down.
review-incidents-notable-none = No serious incidents or personal data breaches during the year.
review-incidents-col-incident = Incident
review-incidents-col-lessons = Lessons learned
review-incidents-no-lessons = No lessons learned are written down.
review-incidents-personal-data-mark = Personal data
review-incidents-missed-deadlines = Notifications late or not made: { $count }
review-incidents-trend = Incidents per year
chart-incidents-category-alt = Bar chart of the year's incidents by category. The figures are in the table.
chart-incidents-trend-alt = Line chart of the number of incidents per year. The figures are in the table.

review-training-none = No courses are registered for the organisation. Add the courses in the training register.
review-training-col-course = Course
review-training-col-coverage = Share completed
review-training-col-target = Target
review-training-col-completed = Completed / staff
review-training-below-target = Below the target
review-training-at-target = Target reached
review-training-no-headcount = Number of staff missing
review-training-trend = Share completed per year
chart-training-caption = Share completed compared with the target
chart-training-alt = Bar chart of the share that completed each course beside the target. The figures are in the table.
chart-training-trend-alt = Line chart of the share that completed each course per year. The figures are in the table.

review-computed-heading = Status according to the registers
review-computed-hint = For some points Lisa works out the status from the incident and training registers and the registers of information assets, systems, risks and personal data. It is shown beside the status the unit reported itself. Where they do not match, it says “Differs”.
review-computed-summary = Points where the unit's status differs from the registers: { $count }.
review-computed-col-reported = Unit's status
review-computed-col-computed = According to the registers
review-computed-col-verdict = Comparison
review-computed-col-basis = Basis
review-computed-not-reported = Not reported
review-computed-disagrees = Differs
review-computed-agrees = Matches
review-computed-cell = according to the registers: { $status }
review-computed-cell-differs = differs, according to the registers: { $status }
review-basis-coverage = { $completed } of { $headcount } have completed the course ({ $pct } %). The target is { $target } %.
review-basis-no-incidents = No incidents are registered for the year.
review-basis-incidents = Incidents registered: { $total }. Open for more than 30 days: { $open }. Closed without lessons learned: { $nolessons }.
review-basis-deadlines = Notifications in time: { $met }. Late: { $late }. Not made: { $missed }.

# The unit's own report: the status the registers give a point, beside the unit's choice.
unit-report-computed = According to the registers: { $status }.
unit-report-computed-differs = Differs from the status chosen. According to the registers: { $status }.

# The section on information assets, risks and personal data, and the
# basis of the registers' status for the checklist's points 4–10.
review-section-assets = Information assets, risks and personal data
review-section-assets-hint = How far the organisation and its parts have come with classification, system owners and object managers, risk analyses, the record of processing and data-processing agreements. The figures come from the registers.
review-assets-none = The registers hold no information assets, systems or processing for the organisation yet.
review-assets-registers-link = Open the registers
review-assets-share = { $covered } of { $total } ({ $pct } %)
review-assets-classified = Information assets classified and up to date
review-assets-risk-analysed = Information assets and systems with a risk analysis
review-assets-risk-analysed-months = Information assets and systems with a risk analysis in the last { $months } months
review-assets-dpia = Processing that needs an impact assessment and has one
review-assets-responsible = Systems with a system owner and an object manager
review-assets-records = Processing with a complete record
review-assets-procured = Supplier systems with the contract and classified information
review-assets-agreements = Systems at a processor with a valid agreement
review-assets-high-untreated = High risks without treatment / all high risks
review-assets-without-agreement = Systems lacking a data-processing agreement / systems that need one
review-assets-col-classified = Classified
review-assets-col-risk-analysed = Risk analysis
review-assets-col-dpia = Impact assessment
review-assets-col-responsible = Owner and object manager
review-assets-col-records = Complete records
review-assets-col-procured = Procurement
review-assets-col-agreements = Agreements
review-assets-col-high-untreated = High risks without treatment
review-assets-col-without-agreement = Lacking an agreement
review-assets-col-scenario = Risk
review-assets-units = Per unit
review-assets-untreated = High risks without treatment
review-assets-untreated-none = No high risk is left without treatment.
chart-assets-caption = Share in place
chart-assets-alt = Bar chart of the share of classified information assets, systems with owners, risk analyses, complete records and agreements. The figures are in the list.
review-assets-trend = Over time
review-assets-trend-hint = The shares at the end of each year (this year: today), counted from the registers' dates. An information asset counts from the day it was recorded or first classified, a system from the day it was recorded or a data-processing agreement for it was signed. What has been deleted is not counted.
review-assets-col-as-of = Counted on
chart-assets-trend-caption = Share of classified information assets, risk analyses and data-processing agreements year by year
chart-assets-trend-alt = Line chart of the share of information assets classified and current, the share with a risk analysis and the share of systems with a valid data-processing agreement at the end of each year. The figures are in the table.
review-basis-classified = { $current } of { $assets } information assets are classified and up to date ({ $pct } %). Classified at all: { $classified }.
review-basis-risk-analysed = { $covered } of { $objects } information assets and systems have a risk analysis from the last year ({ $pct } %). High risks without treatment: { $high }.
review-basis-dpia = { $done } of { $needed } processing activities that need an impact assessment have one ({ $pct } %).
review-basis-responsible = { $covered } of { $systems } systems have both a system owner and an object manager ({ $pct } %).
review-basis-records = { $complete } of { $processings } processing activities have a complete record ({ $pct } %).
review-basis-procured = { $covered } of { $systems } supplier systems have the contract recorded and their information classified ({ $pct } %).
review-basis-agreements = { $covered } of { $systems } systems where a supplier processes personal data have a valid data-processing agreement ({ $pct } %).
