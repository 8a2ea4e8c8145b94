# Follow-up rounds (uppföljningsomgångar): download names and the reminder e-mail.

# File names of downloads (ASCII; the round's name is added as a slug).
round-file-results = samlad-bedomning
round-file-feedback = jamforande-aterkoppling

# The reminder e-mail (Swedish part).
round-reminder-subject = Påminnelse: { $round } stänger { $date }
round-reminder-greeting = Hej!
round-reminder-invited = { $coordinator } har bjudit in { $invitee } att svara i uppföljningen "{ $round }". { $state }
round-reminder-state-not-started = Ni har inte skickat in något svar ännu.
round-reminder-state-draft = Ni har börjat på en självskattning men inte skickat in något svar.
round-reminder-state-withdrawn = Ni har dragit tillbaka ert svar, så det räknas inte just nu.
round-reminder-deadline = Sista dag att svara är { $date }. { $left }
round-reminder-closes-today = Omgången stänger i dag.
round-reminder-one-day-left = Det är 1 dag kvar.
round-reminder-days-left = Det är { $days } dagar kvar.
round-reminder-answer = Svara i Lisa:
round-reminder-why = Du får det här meddelandet eftersom du är informationssäkerhetssamordnare för { $invitee }. Lisa skickar bara en påminnelse per uppföljning.
round-reminder-signature = Hälsningar
round-reminder-in-english = ----- In English -----
