# The coordinator's pages (staff): Dutch for staff by default; English with an English setting.

## Form problems the store finds
enrol-choose-team = Choose a team.
move-person-ended = This person no longer takes part; another protocol is not possible.
move-choose-date = Choose the date on which the other protocol starts.
move-date-past = Choose today or a later date.
move-choose-protocol = Choose another protocol for this person from the list.
enrol-choose-role = Choose student or mentor.
enrol-no-protocol = This study has no protocol for this role yet; ask the researcher to load it.
enrol-student-has-mentor = This student already has a mentor. Hand the student over on the student's page.
enrol-student-no-phone = This student's phone number is not known.
enrol-choose-student = Choose a student from the list.
form-went-wrong = Something went wrong; please try again.
form-too-long = Write at most { $max } characters.
end-already-ended = This student's participation has already ended.
end-date-too-far = Choose a date no more than a year ahead.
end-choose-reason = Choose a reason.
end-choose-date = Fill in a date, for example 01-10-2026.
handover-student-ended = This student no longer takes part; a handover is no longer possible.
handover-choose-from-list = Choose a mentor from the list.
handover-already-mentor = This already is the student's mentor.
handover-choose-mentor = Choose a mentor.
withdraw-choose-data = Choose what happens to the answers.
withdraw-confirm = Tick the box if you are sure this person stops.
phone-refused-too-often = You have entered a number that cannot be used too often. Try again in an hour, or ask the researcher for help.
phone-taken = This number already belongs to { $name } (number { $id } in the list). Everyone needs their own number.
phone-not-usable = This number cannot be used. Check whether it is right. If it is, ask the researcher to look into it.
import-team-ambiguous = there are several teams called '{ $team }'; give them different names first
import-organisations-unreadable = the study's organisations cannot be read: { $detail }
import-organisation-unknown = --organisation '{ $key }' does not exist; known organisations: { $known }
import-no-organisation = the study has no organisation to put new teams in; create one first
import-organisation-needed = new teams need an organisation: add --organisation with one of { $known }

## Words on the pages
staff-title-person = Person
problems-heading = Please change this first
role-student = student
role-mentor = mentor
role-student-label = Student
role-mentor-label = Mentor
locale-nl = Dutch
locale-en = English
gender-unknown = Rather not say / unknown
gender-female = Female
gender-male = Male
gender-other = Other
state-active = running
state-completed = completed
state-stopped = stopped
state-cancelled = cancelled
reason-handover = handed over
reason-ended = participation ended
reason-school_leaver = early school leaver
reason-switcher = switcher
reason-other = other
reason-protocol_end = end of the study
reason-student_ended = student stopped
reason-moved = another protocol
someone-outside = someone outside your organisation
done-phone = The phone number has been changed.
done-handover = The student has been handed over. The new mentor sees the student from this week on.
done-end = The participation has ended.
done-enrol = Enrolled. The first message goes out by itself on the start date.
done-protocol = The other protocol starts on the chosen date. Earlier answers stay as they were.
done-language = Your pages are now in English.
withdrawn = The participation has been withdrawn.
withdrawn-ended = { $n ->
    [0] No questionnaires were running.
    [one] 1 questionnaire has stopped.
   *[other] { $n } questionnaires have stopped.
}
withdrawn-cancelled = { $n ->
    [0] No messages were waiting.
    [one] 1 waiting message will not be sent.
   *[other] { $n } waiting messages will not be sent.
}
withdrawn-deleted = { $n ->
    [0] There were no answers to delete.
    [one] 1 answer has been deleted.
   *[other] { $n } answers have been deleted.
}
withdrawn-kept = The answers already given are kept.
withdraw-keep = Keep: the answers already given stay in the study.
withdraw-delete = Delete: all of this person's answers are erased.
staff-language = Language of these pages
staff-language-submit = Choose language

## Template texts
staff-nav-label = Coordination
staff-nav-people = People
staff-nav-enrol = Enrol someone
staff-nav-attention = Needs attention
staff-nav-dashboard = Overview
staff-nav-report = Report
staff-nav-exclusions = Exclusions
staff-nav-audit = Audit log
staff-nav-accounts = Accounts
staff-nav-2fa = Second step
staff-nav-logout = Log out
staff-nav-signed-in = Signed in as { $name }
staff-test-mode = Test mode.
staff-test-mode-text = practice data, no real participants. Messages do not go to phones.
login-heading = Log in for coordinators
login-email = E-mail address
login-password = Password
login-submit = Log in
people-search-label = Search by name or phone number
people-who = Who
people-search = Search
people-found = { $n } found
people-phone = Phone { $phone }
people-phone-failing = number does not work
people-ended = stopped
people-none = Nobody found. Try another part of the name or the number.
pager-previous = Previous
pager-next = Next
pager-page = Page { $page } of { $pages }
enrol-who = Who are you enrolling?
enrol-team = Team
enrol-choose-team-option = Choose a team
enrol-first-name = First name
enrol-last-name = Last name
enrol-phone = Mobile number
enrol-phone-hint = For example 06 12345678, 06-1234 5678 or +31 6 12345678. Invitations go by SMS.
enrol-email = E-mail address (may stay empty)
enrol-gender = Gender (for the texts: he, she or the name)
enrol-locale = Language of the messages
enrol-start = Start date (empty: today)
enrol-student = Only for a mentor: which student does this person guide? (may stay empty)
enrol-no-student = No student yet
enrol-submit = Enrol
person-role = Role
person-phone = Phone
person-phone-failing = does not work
person-email = E-mail
person-locale = Language
person-ended = Stopped
person-dropout = Dropout
person-mentor-now = Mentor now
person-since = since { $when }
person-none = None.
person-history = History
person-from-until = from { $from } up to and including { $until }
person-no-pairs = No pairs yet.
person-questionnaires = Questionnaires
person-protocol-about = { $protocol } about { $about }
person-change-phone = Change phone number
person-new-phone = New mobile number
person-save-phone = Save number
person-handover = Hand over to another mentor
person-new-mentor = New mentor
person-choose-mentor = Choose a mentor
person-handover-hint = The new mentor sees the student from this week on. The history is kept.
person-handover-submit = Hand over
person-outcome = Record stopping or switching
person-protocol = Another protocol from a date
person-protocol-label = Protocol
person-protocol-choose = Choose a protocol
person-protocol-from = From
person-protocol-hint = For example lighter aftercare after stopping. The old protocol's questionnaires stop on that date, without a closing questionnaire. Earlier answers stay as they were.
person-protocol-button = Change protocol
person-why = Why does the student stop?
person-outcome-date = Date of stopping or switching
person-note = Explanation (may stay empty)
person-next = What will the student do now? (may stay empty)
person-ending = What happens to the participation?
person-ending-outcome = Only record it: questionnaires, mentor and pair go on
person-ending-end = Also end the participation: the student gets the final questionnaire once more, then no more messages
person-outcome-submit = Record
person-withdraw = Withdraw participation
person-withdraw-text = Does someone no longer want to take part in the study? Withdraw their participation here. From now on this person gets no more messages, not even a final questionnaire. Old links stop working.
person-withdraw-data = What happens to the answers already given?
person-withdraw-ask = Choose what the person asked for.
person-withdraw-sure = I am sure this person stops. I cannot undo this.
person-withdraw-submit = Withdraw participation
person-students-now = Students now
person-from = from { $from }
person-from-to = from { $from } until { $until }
person-dropout-on = { $what } on { $date }
person-withdraw-mentor-kept = What the mentor wrote about this student is kept.
people-everyone = Everyone
people-students = Students
people-mentors = Mentors
