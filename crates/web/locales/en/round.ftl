# Follow-up rounds: download names and the reminder e-mail.

# File names of downloads (ASCII; the round's name is added as a slug).
round-file-results = combined-assessment
round-file-feedback = comparative-feedback

# The reminder e-mail (English part).
round-reminder-subject = Reminder: { $round } closes { $date }
round-reminder-greeting = Hello,
round-reminder-invited = { $coordinator } has invited { $invitee } to answer the follow-up "{ $round }". { $state }
round-reminder-state-not-started = You have not submitted an answer yet.
round-reminder-state-draft = You have started a self-assessment but not submitted an answer.
round-reminder-state-withdrawn = You have withdrawn your answer, so it does not count at the moment.
round-reminder-deadline = The last day to answer is { $date }. { $left }
round-reminder-closes-today = The round closes today.
round-reminder-one-day-left = There is 1 day left.
round-reminder-days-left = There are { $days } days left.
round-reminder-answer = Answer in Lisa:
round-reminder-why = You receive this message because you are the information security coordinator (CISO) of { $invitee }. Lisa sends only one reminder per follow-up.
round-reminder-signature = Regards
round-reminder-in-english = ----- In English -----
