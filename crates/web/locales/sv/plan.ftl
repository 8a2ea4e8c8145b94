# Download file names of the action plan and the management review (no extension).
plan-file-review = ledningens-genomgang-{ $org }-{ $year }
plan-file-plan = handlingsplan-{ $date }
