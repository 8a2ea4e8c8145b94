# Audits in the rest of Lisa: the management review, the action plan, the
# start page and the year wheel. The statuses (audit-status-…) are in audits.ftl.

review-section-audits = Audits: open recommendations
review-section-audits-hint = Recommendations of audits addressed to the organisation or any part of it that are not closed. Their status comes from the audits.
review-audits-register = All audits
review-audits-none = There are no open recommendations from audits.
review-audits-summary = Open recommendations: { $count }. Answers overdue: { $overdue }.
review-audits-audit = Audit
review-audits-recommendation = Recommendation
review-audits-answer = Answer
review-audits-answered = Answered
review-audits-answer-overdue = Overdue, was due { $date }
review-audits-answer-due = Not answered, due { $date }
review-audits-not-answered = Not answered

plan-filter-audit = Audit
action-source-audit = From a recommendation of the audit { $title }

task-audit-answer-overdue-title = The answer to the audit is overdue for { $org }
task-audit-answer-overdue = { $title } Write what the organisation thinks of the recommendation and which measures you plan.
task-audit-answer-title = Answer the audit for { $org }
task-audit-answer = { $title } Write what the organisation thinks of the recommendation and which measures you plan.
task-audit-answer-overdue-many = { $title }: { $count } recommendations wait for the organisation's answer. The answers were due.
task-audit-answer-many = { $title }: { $count } recommendations wait for the organisation's answer.
task-answer-due = Due: { $date }

yearwheel-audit = Answers to the audit are due
yearwheel-audit-late = Answers missing: { $count }
