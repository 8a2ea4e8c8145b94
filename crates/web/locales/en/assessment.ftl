# Self-assessments: file names of downloads (the name part is the organisation's slug and the period).
assessment-file-answers = answers-{ $name }
assessment-file-result = result-{ $name }

# Errors in a model file (domain::model::ModelError), by where they are.
model-error-at-file = { $message }
model-error-at-field = { $field }: { $message }
model-error-at-line = line { $line }: { $message }
model-error-at-line-field = line { $line }, { $field }: { $message }
model-error-toml = the file cannot be read as TOML: { $detail }
model-error-text-sv-missing = the Swedish text is missing
model-error-id-format = an id may only contain lower-case letters a–z, digits and hyphens
model-error-option-duplicate = the id is already used by another answer option
model-error-points = points must be a whole number 0–1000
model-error-key-format = the key may only contain lower-case letters a–z, digits and hyphens
model-error-version = the version must be a whole number from 1
model-error-level-range = the level must be 1, 2, 3 or 4
model-error-level-duplicate = the level already exists
model-error-threshold = the threshold must be a share greater than 0 and at most 1
model-error-four-levels = the model must have exactly four levels: 1, 2, 3 and 4
model-error-area-duplicate = the area already exists
model-error-no-areas = the model has no areas
model-error-question-duplicate = the question already exists (ids must be unique)
model-error-area-unknown = the area does not exist in the model
model-error-no-options = the question has no answer options and the model has no scale
model-error-two-options = the question needs at least two answer options
model-error-no-points = at least one answer option must give points
model-error-no-questions = the model has no questions
model-error-area-empty = the area has no questions
model-error-scale-two-options = the scale needs at least two answer options
