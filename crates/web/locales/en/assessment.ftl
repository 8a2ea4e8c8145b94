# Self-assessments: file names of downloads (the name part is the organisation's slug and the period).
assessment-file-answers = answers-{ $name }
assessment-file-result = result-{ $name }
