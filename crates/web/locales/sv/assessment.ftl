# Self-assessments: file names of downloads (the name part is the organisation's slug and the period).
assessment-file-answers = svar-{ $name }
assessment-file-result = resultat-{ $name }

# Errors in a model file (domain::model::ModelError), by where they are.
model-error-at-file = { $message }
model-error-at-field = { $field }: { $message }
model-error-at-line = rad { $line }: { $message }
model-error-at-line-field = rad { $line }, { $field }: { $message }
model-error-toml = filen kan inte läsas som TOML: { $detail }
model-error-text-sv-missing = texten på svenska saknas
model-error-id-format = id får bara innehålla små bokstäver a–z, siffror och bindestreck
model-error-option-duplicate = id finns redan bland svarsalternativen
model-error-points = poängen ska vara ett heltal 0–1000
model-error-key-format = nyckeln får bara innehålla små bokstäver a–z, siffror och bindestreck
model-error-version = versionen ska vara ett heltal från 1
model-error-level-range = nivån ska vara 1, 2, 3 eller 4
model-error-level-duplicate = nivån finns redan
model-error-threshold = tröskeln ska vara en andel större än 0 och högst 1
model-error-four-levels = modellen ska ha exakt fyra nivåer: 1, 2, 3 och 4
model-error-area-duplicate = området finns redan
model-error-no-areas = modellen har inga områden
model-error-question-duplicate = frågan finns redan (id måste vara unikt)
model-error-area-unknown = området finns inte i modellen
model-error-no-options = frågan har inga svarsalternativ och modellen har ingen skala
model-error-two-options = frågan behöver minst två svarsalternativ
model-error-no-points = minst ett svarsalternativ måste ge poäng
model-error-no-questions = modellen har inga frågor
model-error-area-empty = området har inga frågor
model-error-scale-two-options = skalan behöver minst två svarsalternativ
