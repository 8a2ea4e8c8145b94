# Download file names of the action plan and the management review (no extension).
plan-file-review = management-review-{ $org }-{ $year }
plan-file-plan = action-plan-{ $date }
