# The questionnaire page around the study's own questions: steps, progress, buttons, errors,
# the thank-you page. Words that differ for "u" are a `.u` attribute (Dutch only).
