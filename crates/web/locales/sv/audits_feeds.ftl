# Granskningar i resten av Lisa: ledningens genomgång, handlingsplanen,
# startsidan och årshjulet. Lägena (audit-status-…) finns i audits.ftl.

review-section-audits = Granskningar: öppna rekommendationer
review-section-audits-hint = Rekommendationer från granskningar som riktas till organisationen eller till någon del av den och som inte är avslutade. Läget kommer från granskningarna.
review-audits-register = Alla granskningar
review-audits-none = Det finns inga öppna rekommendationer från granskningar.
review-audits-summary = Öppna rekommendationer: { $count }. Yttranden som är försenade: { $overdue }.
review-audits-audit = Granskning
review-audits-recommendation = Rekommendation
review-audits-answer = Yttrande
review-audits-answered = Yttrandet är lämnat
review-audits-answer-overdue = Försenat, skulle vara inne { $date }
review-audits-answer-due = Inte lämnat, ska vara inne { $date }
review-audits-not-answered = Inte lämnat

plan-filter-audit = Granskning
action-source-audit = Från en rekommendation i granskningen { $title }

task-audit-answer-overdue-title = Yttrandet till granskningen är försenat för { $org }
task-audit-answer-overdue = { $title } Skriv vad organisationen tycker om rekommendationen och vilka åtgärder ni planerar.
task-audit-answer-title = Lämna yttrande till granskningen för { $org }
task-audit-answer = { $title } Skriv vad organisationen tycker om rekommendationen och vilka åtgärder ni planerar.
task-audit-answer-overdue-many = { $title }: { $count } rekommendationer väntar på organisationens yttrande. Svaren skulle ha lämnats.
task-audit-answer-many = { $title }: { $count } rekommendationer väntar på organisationens yttrande.
task-answer-due = Ska vara inne: { $date }

yearwheel-audit = Yttranden ska vara inne
yearwheel-audit-late = Yttranden saknas: { $count }
