# Staff pages beyond people and enrolment: attention, accounts, audit, dashboard, two-factor login,
# exclusions, the report.

## What every staff page may show instead of itself
staff-not-found-heading = This page does not exist
staff-not-found-text = Check the address, or go back to the list of people.
staff-busy-heading = One moment
staff-busy-text = It does not work right now. Please try again in a few minutes.
staff-expired-heading = This form has expired
staff-expired-text = Nothing was changed. Go back, reload the page and try again.
staff-refused-heading = That did not work
staff-wait-heading = Please wait
staff-admins-only-heading = For admins only
staff-researchers-only-heading = For researchers only
staff-show = Show
staff-time-in-zone = { $time } ({ $zone })

## Logging in
login-title = Log in
login-wrong = This e-mail address and password do not match. Check them and try again.
login-too-often = There were too many attempts to log in. Wait a minute and then try again.
login-wait = A wrong password was tried too often for this account. Wait { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} and then try again.

## The second step of logging in
tfa-code-title = Enter your code
tfa-code-text = Open the app on your phone that you use to log in to koers (for example an authenticator app) and enter the six-digit code.
tfa-code-label = Code
tfa-code-submit = Log in
tfa-recovery-hint = Lost your phone? Then enter one of your recovery codes (for example abcde-fghjk). Each recovery code works once. No recovery codes left? Ask the admin to reset your code.
tfa-code-empty = Enter the code from your app.
tfa-code-wrong = This code is not right. Check that the time on your phone is correct and enter the newest code.
tfa-expired-text = Nothing was changed. Log in again on the login page.
tfa-wait = A wrong code was tried too often. Wait { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} and then try again.
tfa-setup-title = Log in with a code
tfa-enrolled-text = You already log in with a code from your app. New phone or app? Ask the admin to reset your code. Then set up a new one here.
tfa-continue = Continue to koers
tfa-why = Your account sees names, phone numbers or exports. That is why you log in with your password and a code from an app on your phone. Set that up once, now.
tfa-step-install = Install an authenticator app on your phone, if you do not have one yet.
tfa-step-scan = Scan this QR code in the app.
tfa-qr-alt = QR code with your key for the app
tfa-step-type = Scanning does not work? Then type in this key:
tfa-step-code = Enter below the six-digit code the app shows now.
tfa-setup-label = Code from the app
tfa-setup-submit = Set up
tfa-setup-wrong = This code is not right. Scan the QR code again or type in the key, and enter the newest code.
tfa-codes-title = Your recovery codes
tfa-codes-text = From now on you log in with your password and a code from your app. If you lose your phone, you can use one of these recovery codes instead of the code. Each code works once.
tfa-codes-keep = Keep them in a safe place now, for example in your password manager. You will never see them again.
tfa-codes-done = I have kept them: continue to koers

## Who needs attention
attention-heading = Needs attention
attention-alarms = Answers to look at
attention-alarms-text = An open answer held a word the study marked as worrying. Check whether someone should get in touch.
attention-warnings = Signals from the diaries
attention-warnings-text = Only about students who agreed to this. It is a question, not a judgement.
attention-failing = Phone numbers that do not work
attention-failing-since = Not working since { $since }
attention-all-work = All numbers work.
attention-silent = No answer { $weeks } times
attention-weeks-label = Times in a row nothing was filled in
attention-last = Last filled in on { $when }
attention-never = Never filled in anything
attention-everyone-answered = Everyone filled in something at least once in the last { $weeks } times.

## Accounts
accounts-title = Accounts
accounts-account = Account
accounts-admins-only-text = Only an admin of the study can manage accounts.
accounts-all = All accounts
accounts-email = E-mail
accounts-status = Status
accounts-disabled = disabled
accounts-active = active
accounts-second-step = Second step
accounts-second-step-on = set up
accounts-second-step-off = not set up
accounts-sessions = Sessions
accounts-roles = Roles
accounts-remove-role = Remove role
accounts-actions = What you can do
accounts-enable = Enable again
accounts-disable = Disable (stops sessions, tokens and API keys at once)
accounts-sign-out = Log out everywhere
accounts-new-password = New temporary password
accounts-reset-second-step = Have the second step set up again
accounts-intro = The accounts with roles where you are an admin.
accounts-no-second-step = no second step
accounts-none = There are no accounts you can manage.
accounts-password-done = New temporary password: { $password } . Pass it on safely (not by e-mail). It is stored nowhere else and you see it only once. All sessions of the account have ended.
accounts-role-in = { $role } in { $study }
accounts-role-organisation = organisation { $organisation }
accounts-role-team = team { $team }
accounts-role-exports = may export
staff-role-coordinator = coordinator
staff-role-researcher = researcher
staff-role-admin = admin

## The audit log
audit-heading = Audit log
audit-intro = Who did what with the data, newest first. Viewing this log is in it too.
audit-kind = Kind
audit-all = Everything
audit-caption = Audit log, page { $page } of { $pages }
audit-when = When
audit-who = Who
audit-what = What
audit-about = About
audit-details = Details
audit-empty = There is nothing in the log yet.
audit-admins-only-text = Only admins can see the audit log. The figures are under Overview.
audit-study = study { $study }
audit-target-person = person
audit-target-people = people
audit-target-staff = account
audit-target-api_key = API key
audit-target-study = study
audit-target-audit_log = audit log

## The dashboard
dash-title = Overview
dash-heading = Overview { $study }
dash-no-role-heading = No access
dash-no-role-text = Your account has no role in a study yet. Ask the admin for a role.
dash-no-study-heading = This study does not exist
dash-no-study-text = Or you may not see it. Choose a study on the overview.
dash-week = { $week } (from { $monday })
dash-percent = { $percent }% ({ $part } of { $whole })
dash-no-group = No group
dash-all-groups = All groups
dash-failed-heading = Messages do not arrive.
dash-failed-text = In the last 24 hours { $n ->
    [one] 1 message was not sent, or it is not certain that it arrived.
   *[other] { $n } messages were not sent, or it is not certain that they arrived.
} Ask the admin whether the SMS service works.
dash-overdue-heading = Sending is behind.
dash-overdue-text = { $n ->
    [one] 1 message has
   *[other] { $n } messages have
} been waiting more than { $minutes } minutes to be sent. Check whether the scheduler runs.
dash-overdue-since = The oldest has been waiting since { $since }.
dash-job-heading = A scheduler job fails.
dash-job-text = The job '{ $job }' failed the last time.
dash-job-last-ok = It last worked on { $when }.
dash-untouched = { $percent }% on average
dash-mssd = { $mssd } (scale 0-100)
dash-quality-rules = Sliders in the middle: at least { $share }% of the touched sliders lie within { $band }% of the middle. Very fast: the median diary takes less than { $seconds } seconds. Both only from { $responses } filled-in diaries.
dash-rate-title = Response per group and week
dash-rate-description = Share of questionnaires filled in per week over the last { $weeks } weeks, one line per group. The table below gives the same figures.
dash-sent-title = Invitations sent and questionnaires filled in per week
dash-sent-description = Number of invitations sent and of questionnaires filled in per week. The table below gives the same figures.
dash-series-invites = Invitations sent
dash-series-completed = Filled in
dash-study = Study
dash-group = Group
dash-span = Weeks in the charts
dash-silent-weeks = Weeks without an answer that count as silent
dash-counts-only = Counts only, without names or phone numbers. Updated on { $updated }.
dash-limited = You only see the people of your own organisation or team.
dash-rate-heading = Response per week
dash-rate-text = Of the questionnaires open in a week: the share filled in. The current week is not over yet.
dash-rate-caption = Response per group and week: filled in of opened
dash-col-week = Week
dash-sent-heading = Sent and filled in per week
dash-sent-caption = Invitations, reminders, opened and filled-in questionnaires per week
dash-col-invites = Invitations sent
dash-col-reminders = Reminders sent
dash-col-windows = Opened
dash-col-completed = Filled in
dash-pairs-heading = Active pairs
dash-pairs-text = Students with a mentor, today:
dash-silent-heading = No answer for { $weeks } weeks
dash-silent-text = People still taking part who filled in nothing in the last { $weeks } weeks:
dash-quality-heading = Data quality of the diaries
dash-quality-text = A flag is a hint to look closer, not a judgement.
dash-q-assessed = People with a diary
dash-q-middle = Sliders in the middle
dash-q-fast = Filled in very fast
dash-q-flagged = At least one flag
dash-q-untouched = Sliders not touched
dash-q-mssd = MSSD, the median over all people

## Setting people aside from the analysis
excl-title = Exclude from the analysis
excl-done-exclude = Excluded. The files show it from the next export on.
excl-done-include = Included in the analysis again.
excl-researchers-only-text = Only those who may read the study's answers can exclude someone from the analysis.
excl-reason-problem = Write briefly why, on one line (at most { $max } characters).
excl-person-unknown = Nobody in this study has this pseudonym, or you may not see this person. Copy it from the files.
excl-study = Study:
excl-intro-kept = Someone you exclude stays in the files.
excl-intro-column = The reason then shows in the column
excl-intro-file = of the file
excl-intro-undo = You can always undo it. Every change goes into the audit log.
excl-exclude-heading = Exclude someone
excl-person-label = Pseudonym (as in the files, for example p5eafee0f56d56e467ebb)
excl-reason-label = Reason (without names)
excl-submit = Exclude
excl-now = Excluded now
excl-no-reason = No reason given
excl-include = Include again
excl-none = Nobody. Everyone counts in the analysis.

## The study report
report-researchers-only-text = Only those who may read the study's answers can see a study's report.
report-test-title = { $study } (TEST: practice data)

# The study report (`koers report`, /staff/report): its words; statistical codes stay as in the exports.
report-page-title = Report: { $study }
report-heading = Study report: { $study }
report-intro = Weeks are weeks since each person's start (1 = the calendar week of their first day). Means come with a 95% confidence interval (t distribution) and the middle 50% (quartiles).
report-response-heading = Response per group and week
report-response-chart = Response rate: { $series }
report-share-completed = share completed
report-constructs-heading = Diary constructs per group and week
report-aligned-heading = Aligned to the dropout week (stayers: to their last week)
report-mean-ci = mean, 95% CI
report-shares-heading = Choices per group and outcome
report-pairs-heading = Pairs with at least n joint weeks
report-col-group = group
report-col-who = who
report-col-week = week
report-col-opened = opened
report-col-completed = completed
report-col-rate = rate
report-col-mean = mean
report-col-option = option
report-col-share = share
report-col-pairs = pairs
