# Problems with a people import file (koers import people) and the enrolment form, which is
# checked with the same rules. Shown after "LINE: column:" or under the form field.

import-file-too-large = the file is larger than { $mb } MB; split it into smaller files
import-not-utf8 = the file is not UTF-8 text; in a spreadsheet, save it as 'CSV UTF-8'
import-header-unreadable = cannot read the header line: { $detail }
import-file-empty = the file is empty; the first line must name the columns, e.g. { $columns }
import-column-unknown = unknown column. Known columns: { $known }
import-column-unknown-suggest = unknown column; did you mean '{ $suggestion }'? Known columns: { $known }
import-column-twice = this column appears twice
import-column-missing = this column is required but missing
import-too-many-rows = the file has more than { $max } rows; split it into smaller files
import-line-unreadable = cannot read this line: { $detail }
import-too-many-fields = this line has { $fields } fields but the header names { $columns } columns
import-no-people = the file has a header but no people
import-required = is empty but required
import-too-long = is longer than { $max } characters
import-control-character = contains a control character (a tab or line break inside the cell?)
import-type-empty = is empty; write Student or Mentor
import-type-unknown = '{ $value }' is not a type; write Student or Mentor
import-team-unknown = unknown team '{ $team }'; create it first or import with --create-teams
import-team-unknown-suggest = unknown team '{ $team }'; did you mean '{ $suggestion }'? Create it first or import with --create-teams
import-gender-unknown = '{ $value }' is not a gender; write male, female or other (or leave it empty)
import-locale-unknown = '{ $value }' is not a language koers speaks; write nl or en
import-group-unknown = '{ $value }' is not a group of this study; known groups: { $known }
import-group-none = '{ $value }' is not a group of this study; the study has no groups (give an organisation one with --group)
import-phone-empty = is empty but required: invitations go by SMS
import-email-invalid = '{ $value }' is not an e-mail address
import-date-invalid = '{ $value }' is not a date; write it as 2026-09-01 or 01-09-2026
import-end-before-start = { $end } is not after the start date { $start }
import-student-fills-out-for = '{ $value }' is set for a student; only mentors fill out for someone
import-protocol-without-student = is set but filling_out_for (the student's phone number) is empty
import-protocol-unknown = unknown protocol '{ $name }'
import-protocol-unknown-suggest = unknown protocol '{ $name }'; did you mean '{ $suggestion }'?
import-protocol-wrong-role = protocol '{ $name }' is for { $for_role ->
    [mentor] mentors
   *[student] students
}, not for this { $role ->
    [mentor] mentor
   *[student] student
}
import-phone-other-role = { $phone } is already enrolled as a { $existing ->
    [mentor] mentor
   *[student] student
}, not a { $role ->
    [mentor] mentor
   *[student] student
}
import-phone-twice = { $phone } is also the phone number on line { $line }; every person needs their own number
import-mentor-differs = this mentor (same phone number as line { $line }) has a different { $column } there
import-own-number = is the mentor's own phone number; write the student's number
import-not-a-student = { $phone } is not a student in this file or in the study; import the student first or check the number
import-pair-twice = line { $line } already pairs this mentor with this student
phone-unparsable = '{ $value }' is not a phone number; write it as 06 12345678 or +31 6 12345678
phone-invalid = '{ $value }' has too many or too few digits for a phone number; a Dutch mobile number is 06 with 8 more digits, e.g. 06 12345678
phone-not-mobile = '{ $value }' is not a mobile number, so it cannot receive SMS; a Dutch mobile number starts with 06
