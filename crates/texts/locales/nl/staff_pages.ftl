# Staff pages beyond people and enrolment: attention, accounts, audit, dashboard, two-factor login,
# exclusions, the report.
