# The registers: the hub /registers with links to the registers, the status
# of the checklist's points and coverage per unit.

nav-registers = Registers
registers-title = Registers
registers-intro = Information assets, systems, risk analyses, processing of personal data and data-processing agreements. Here you see how far the organisation and its parts have come.
registers-org = Organisation
registers-show = Show
registers-links = The registers of
registers-link-assets = Information assets
registers-link-assets-hint = The information the organisation needs, with its information owner and classification.
registers-link-systems = Systems
registers-link-systems-hint = Systems and IT services with system owner, object manager and supplier.
registers-link-risks = Risks
registers-link-risks-hint = Risk analyses and data protection impact assessments.
registers-link-processings = Processing of personal data
registers-link-processings-hint = The record of processing activities under Article 30 of the GDPR.
registers-link-agreements = Data-processing agreements
registers-link-agreements-hint = Data-processing agreements with suppliers.
registers-points = Status according to the registers
registers-points-hint = Lisa computes the status of the checklist's points from the registers. The same status is shown beside the units' own answers in the management review.
registers-col-status = Status
registers-col-basis = Basis
registers-nothing-to-count = Nothing to count yet
registers-coverage = Coverage of
registers-as-at = Counted on
registers-units = Coverage per unit
registers-units-hint = The figures cover the unit and everything below it. The unit's own figures are shown below them where they differ.
registers-own = Own
