# The coordinator's pages (staff): Dutch for staff by default; English with an English setting.

## Form problems the store finds
enrol-choose-team = Kies een team.
move-person-ended = Deze persoon doet niet meer mee; een ander protocol kan niet meer.
move-choose-date = Kies de datum waarop het andere protocol begint.
move-date-past = Kies vandaag of een latere datum.
move-choose-protocol = Kies een ander protocol voor deze persoon uit de lijst.
enrol-choose-role = Kies student of begeleider.
enrol-no-protocol = Dit onderzoek heeft nog geen protocol voor deze rol; vraag de onderzoeker het te laden.
enrol-student-has-mentor = Deze student heeft al een begeleider. Draag de student over op de pagina van de student.
enrol-student-no-phone = Van deze student is geen telefoonnummer bekend.
enrol-choose-student = Kies een student uit de lijst.
form-went-wrong = Er ging iets mis; probeer het opnieuw.
form-too-long = Schrijf hooguit { $max } tekens.
end-already-ended = De deelname van deze student is al beëindigd.
end-date-too-far = Kies een datum die niet meer dan een jaar vooruit ligt.
end-choose-reason = Kies een reden.
end-choose-date = Vul een datum in, bijvoorbeeld 01-10-2026.
handover-student-ended = Deze student doet niet meer mee; overdragen kan niet meer.
handover-choose-from-list = Kies een begeleider uit de lijst.
handover-already-mentor = Dit is al de begeleider van deze student.
handover-choose-mentor = Kies een begeleider.
withdraw-choose-data = Kies wat er met de antwoorden gebeurt.
withdraw-confirm = Zet een vinkje als je zeker weet dat deze persoon stopt.
phone-refused-too-often = Je hebt te vaak een nummer ingevuld dat niet gebruikt kan worden. Probeer het over een uur opnieuw, of vraag de onderzoeker om hulp.
phone-taken = Dit nummer hoort al bij { $name } (nummer { $id } in de lijst). Iedereen heeft een eigen nummer nodig.
phone-not-usable = Dit nummer kan niet worden gebruikt. Kijk of het klopt. Klopt het wel, vraag dan de onderzoeker om het na te kijken.
import-team-ambiguous = er zijn meerdere teams met de naam '{ $team }'; geef ze eerst verschillende namen
import-organisations-unreadable = de organisaties van het onderzoek zijn niet te lezen: { $detail }
import-organisation-unknown = de organisatie '{ $key }' (--organisation) bestaat niet; bekende organisaties: { $known }
import-no-organisation = het onderzoek heeft geen organisatie voor nieuwe teams; maak er eerst een aan
import-organisation-needed = nieuwe teams horen bij een organisatie: voeg --organisation toe met een van { $known }

## Words on the pages
staff-title-person = Persoon
problems-heading = Dit moet nog anders
role-student = student
role-mentor = begeleider
role-student-label = Student
role-mentor-label = Begeleider
locale-nl = Nederlands
locale-en = Engels
gender-unknown = Zeg ik liever niet / onbekend
gender-female = Vrouw
gender-male = Man
gender-other = Anders
state-active = loopt
state-completed = afgerond
state-stopped = gestopt
state-cancelled = geannuleerd
reason-handover = overgedragen
reason-ended = deelname beëindigd
reason-school_leaver = voortijdig schoolverlater
reason-switcher = overstapper
reason-other = anders
reason-protocol_end = einde onderzoek
reason-student_ended = student gestopt
reason-moved = ander protocol
someone-outside = iemand buiten je organisatie
done-phone = Het telefoonnummer is gewijzigd.
done-handover = De student is overgedragen. De nieuwe begeleider ziet de student vanaf deze week.
done-end = De deelname is beëindigd.
done-enrol = Aangemeld. Het eerste bericht gaat vanzelf op de startdatum.
done-protocol = Het andere protocol begint op de gekozen datum. Eerdere antwoorden blijven zoals ze waren.
done-language = Je pagina's zijn nu in het Nederlands.
withdrawn = De deelname is ingetrokken.
withdrawn-ended = { $n ->
    [0] Er liepen geen vragenlijsten meer.
    [one] 1 vragenlijst is gestopt.
   *[other] { $n } vragenlijsten zijn gestopt.
}
withdrawn-cancelled = { $n ->
    [0] Er stonden geen berichten klaar.
    [one] 1 bericht dat klaarstond, wordt niet verstuurd.
   *[other] { $n } berichten die klaarstonden, worden niet verstuurd.
}
withdrawn-deleted = { $n ->
    [0] Er waren geen antwoorden om te verwijderen.
    [one] 1 antwoord is verwijderd.
   *[other] { $n } antwoorden zijn verwijderd.
}
withdrawn-kept = De antwoorden die al gegeven zijn, blijven bewaard.
withdraw-keep = Bewaren: de antwoorden die al gegeven zijn, blijven in het onderzoek.
withdraw-delete = Verwijderen: alle antwoorden van deze persoon worden gewist.
staff-language = Taal van deze pagina's
staff-language-submit = Taal kiezen

## Template texts
staff-nav-label = Coördinatie
staff-nav-people = Mensen
staff-nav-enrol = Iemand aanmelden
staff-nav-attention = Aandacht nodig
staff-nav-dashboard = Overzicht
staff-nav-report = Rapport
staff-nav-exclusions = Uitsluiten
staff-nav-audit = Logboek
staff-nav-accounts = Accounts
staff-nav-2fa = Tweede stap
staff-nav-logout = Uitloggen
staff-nav-signed-in = Ingelogd als { $name }
staff-test-mode = Testmodus.
staff-test-mode-text = oefengegevens, geen echte deelnemers. Berichten gaan niet naar telefoons.
login-heading = Inloggen voor coördinatoren
login-email = E-mailadres
login-password = Wachtwoord
login-submit = Inloggen
people-search-label = Zoek op naam of telefoonnummer
people-who = Wie
people-search = Zoeken
people-found = { $n } gevonden
people-phone = Telefoon { $phone }
people-phone-failing = nummer werkt niet
people-ended = gestopt
people-none = Niemand gevonden. Probeer een ander stukje van de naam of het nummer.
pager-previous = Vorige
pager-next = Volgende
pager-page = Pagina { $page } van { $pages }
enrol-who = Wie meld je aan?
enrol-team = Team
enrol-choose-team-option = Kies een team
enrol-first-name = Voornaam
enrol-last-name = Achternaam
enrol-phone = Mobiel nummer
enrol-phone-hint = Bijvoorbeeld 06 12345678, 06-1234 5678 of +31 6 12345678. De uitnodigingen gaan per sms.
enrol-email = E-mailadres (mag leeg blijven)
enrol-gender = Geslacht (voor de teksten: hij, zij of de naam)
enrol-locale = Taal van de berichten
enrol-start = Startdatum (leeg: vandaag)
enrol-student = Alleen voor een begeleider: welke student begeleidt deze persoon? (mag leeg blijven)
enrol-no-student = Nog geen student
enrol-submit = Aanmelden
person-role = Rol
person-phone = Telefoon
person-phone-failing = werkt niet
person-email = E-mail
person-locale = Taal
person-ended = Gestopt
person-dropout = Uitval
person-mentor-now = Begeleider nu
person-since = sinds { $when }
person-none = Geen.
person-history = Geschiedenis
person-from-until = van { $from } tot en met { $until }
person-no-pairs = Nog geen koppelingen.
person-questionnaires = Vragenlijsten
person-protocol-about = { $protocol } over { $about }
person-change-phone = Telefoonnummer wijzigen
person-new-phone = Nieuw mobiel nummer
person-save-phone = Nummer opslaan
person-handover = Overdragen aan een andere begeleider
person-new-mentor = Nieuwe begeleider
person-choose-mentor = Kies een begeleider
person-handover-hint = De nieuwe begeleider ziet de student vanaf deze week. De geschiedenis blijft bewaard.
person-handover-submit = Overdragen
person-outcome = Stoppen of overstappen vastleggen
person-protocol = Een ander protocol vanaf een datum
person-protocol-label = Protocol
person-protocol-choose = Kies een protocol
person-protocol-from = Vanaf
person-protocol-hint = Bijvoorbeeld een lichtere nazorg na het stoppen. De vragenlijsten van het oude protocol stoppen op die datum, zonder eindmeting. Eerdere antwoorden blijven zoals ze waren.
person-protocol-button = Protocol wijzigen
person-why = Waarom stopt de student?
person-outcome-date = Datum van stoppen of overstappen
person-note = Toelichting (mag leeg blijven)
person-next = Wat gaat de student nu doen? (mag leeg blijven)
person-ending = Wat gebeurt er met de deelname?
person-ending-outcome = Alleen vastleggen: vragenlijsten, begeleider en koppel gaan door
person-ending-end = Ook de deelname beëindigen: de student krijgt nog één keer de eindvragenlijst, daarna geen berichten meer
person-outcome-submit = Vastleggen
person-withdraw = Deelname intrekken
person-withdraw-text = Wil iemand niet meer meedoen aan het onderzoek? Trek dan hier de deelname in. Vanaf nu krijgt deze persoon geen berichten meer, ook geen eindvragenlijst. Oude links werken niet meer.
person-withdraw-data = Wat gebeurt er met de antwoorden die al gegeven zijn?
person-withdraw-ask = Kies wat de persoon heeft gevraagd.
person-withdraw-sure = Ik weet zeker dat deze persoon stopt. Dit kan ik niet terugdraaien.
person-withdraw-submit = Deelname intrekken
person-students-now = Studenten nu
person-from = vanaf { $from }
person-from-to = vanaf { $from } tot { $until }
person-dropout-on = { $what } op { $date }
person-withdraw-mentor-kept = Wat de begeleider over deze student schreef, blijft bewaard.
people-everyone = Iedereen
people-students = Studenten
people-mentors = Begeleiders
