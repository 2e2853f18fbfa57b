"""USB sync between a township and its county: package envelope, keys, enrolment, change export/import."""
