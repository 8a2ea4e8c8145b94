# Self-assessments: file names of downloads (the name part is the organisation's slug and the period).
assessment-file-answers = svar-{ $name }
assessment-file-result = resultat-{ $name }
