# Problemen in een bestand met mensen (koers import people) en in het inschrijfformulier, dat
# met dezelfde regels wordt nagekeken. Staat na "REGEL: kolom:" of onder het veld.

import-file-too-large = het bestand is groter dan { $mb } MB; verdeel het over kleinere bestanden
import-not-utf8 = het bestand is geen UTF-8-tekst; kies in uw spreadsheet 'Opslaan als' en dan 'CSV UTF-8'
import-header-unreadable = de eerste regel (de kolomnamen) is niet te lezen: { $detail }
import-file-empty = het bestand is leeg; zet op de eerste regel de namen van de kolommen, bijvoorbeeld { $columns }
import-column-unknown = deze kolom kennen we niet. Bekende kolommen: { $known }
import-column-unknown-suggest = deze kolom kennen we niet; bedoelt u '{ $suggestion }'? Bekende kolommen: { $known }
import-column-twice = deze kolom staat er twee keer in
import-column-missing = deze kolom is nodig, maar ontbreekt
import-too-many-rows = het bestand heeft meer dan { $max } regels; verdeel het over kleinere bestanden
import-line-unreadable = deze regel is niet te lezen: { $detail }
import-too-many-fields = deze regel heeft { $fields } vakjes, maar de eerste regel noemt { $columns } kolommen
import-no-people = het bestand heeft kolomnamen, maar nog geen mensen
import-required = is leeg, maar moet ingevuld zijn
import-too-long = is langer dan { $max } tekens
import-control-character = bevat een onzichtbaar teken (een tab of een nieuwe regel in het vakje?)
import-type-empty = is leeg; vul Student of Mentor in
import-type-unknown = '{ $value }' is geen soort; vul Student of Mentor in
import-team-unknown = het team '{ $team }' bestaat nog niet; maak het eerst aan of importeer met --create-teams
import-team-unknown-suggest = het team '{ $team }' bestaat nog niet; bedoelt u '{ $suggestion }'? Maak het anders eerst aan of importeer met --create-teams
import-gender-unknown = '{ $value }' is geen geslacht; vul male, female of other in (of laat het leeg)
import-locale-unknown = '{ $value }' is geen taal van koers; vul nl of en in
import-group-unknown = '{ $value }' is geen groep van dit onderzoek; bekende groepen: { $known }
import-group-none = '{ $value }' is geen groep van dit onderzoek; het onderzoek heeft geen groepen (geef een organisatie er een met --group)
import-phone-empty = is leeg, maar moet ingevuld zijn: de uitnodigingen gaan per sms
import-email-invalid = '{ $value }' is geen e-mailadres
import-date-invalid = '{ $value }' is geen datum; schrijf hem als 2026-09-01 of 01-09-2026
import-end-before-start = { $end } ligt niet na de begindatum { $start }
import-student-fills-out-for = '{ $value }' is ingevuld bij een student; alleen begeleiders vullen in over iemand anders
import-protocol-without-student = is ingevuld, maar filling_out_for (het nummer van de student) is leeg
import-protocol-unknown = het protocol '{ $name }' bestaat niet
import-protocol-unknown-suggest = het protocol '{ $name }' bestaat niet; bedoelt u '{ $suggestion }'?
import-protocol-wrong-role = het protocol '{ $name }' is voor { $for_role ->
    [mentor] begeleiders
   *[student] studenten
}, niet voor deze { $role ->
    [mentor] begeleider
   *[student] student
}
import-phone-other-role = { $phone } is al ingeschreven als { $existing ->
    [mentor] begeleider
   *[student] student
}, niet als { $role ->
    [mentor] begeleider
   *[student] student
}
import-phone-twice = { $phone } is ook het telefoonnummer op regel { $line }; iedereen heeft een eigen nummer nodig
import-mentor-differs = deze begeleider (zelfde telefoonnummer als op regel { $line }) heeft daar een andere { $column }
import-own-number = is het eigen nummer van de begeleider; vul het nummer van de student in
import-not-a-student = { $phone } is geen student in dit bestand of in het onderzoek; importeer eerst de student of kijk het nummer na
import-pair-twice = regel { $line } koppelt deze begeleider al aan deze student
phone-unparsable = '{ $value }' is geen telefoonnummer; schrijf het als 06 12345678 of +31 6 12345678
phone-invalid = '{ $value }' heeft te veel of te weinig cijfers; een Nederlands mobiel nummer is 06 met nog 8 cijfers, bijvoorbeeld 06 12345678
phone-not-mobile = '{ $value }' is geen mobiel nummer en kan dus geen sms krijgen; een Nederlands mobiel nummer begint met 06
