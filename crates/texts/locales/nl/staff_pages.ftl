# Staff pages beyond people and enrolment: attention, accounts, audit, dashboard, two-factor login,
# exclusions, the report.

## What every staff page may show instead of itself
staff-not-found-heading = Deze pagina bestaat niet
staff-not-found-text = Kijk of het adres klopt, of ga terug naar de lijst met mensen.
staff-busy-heading = Even geduld
staff-busy-text = Het lukt nu even niet. Probeer het over een paar minuten opnieuw.
staff-expired-heading = Dit formulier is verlopen
staff-expired-text = Er is niets veranderd. Ga terug, laad de pagina opnieuw en probeer het nog een keer.
staff-refused-heading = Dat lukte niet
staff-wait-heading = Even wachten
staff-admins-only-heading = Alleen voor beheerders
staff-researchers-only-heading = Alleen voor onderzoekers
staff-show = Toon
staff-time-in-zone = { $time } ({ $zone })

## Logging in
login-title = Inloggen
login-wrong = Dit e-mailadres en wachtwoord passen niet bij elkaar. Kijk of ze kloppen en probeer het opnieuw.
login-too-often = Er is te vaak geprobeerd in te loggen. Wacht een minuut en probeer het dan opnieuw.
login-wait = Er is te vaak een verkeerd wachtwoord geprobeerd voor dit account. Wacht { $minutes ->
    [one] 1 minuut
   *[other] { $minutes } minuten
} en probeer het dan opnieuw.

## The second step of logging in
tfa-code-title = Code invullen
tfa-code-text = Open de app op je telefoon waarmee je inlogt bij koers (bijvoorbeeld een authenticator-app) en vul de code van zes cijfers in.
tfa-code-label = Code
tfa-code-submit = Inloggen
tfa-recovery-hint = Telefoon kwijt? Vul dan een van je herstelcodes in (bijvoorbeeld abcde-fghjk). Elke herstelcode werkt één keer. Geen herstelcodes meer? Vraag de beheerder om je code opnieuw in te stellen.
tfa-code-empty = Vul de code uit je app in.
tfa-code-wrong = Deze code klopt niet. Kijk of de tijd op je telefoon goed staat en vul de nieuwste code in.
tfa-expired-text = Er is niets veranderd. Begin opnieuw op de inlogpagina.
tfa-wait = Er is te vaak een verkeerde code geprobeerd. Wacht { $minutes ->
    [one] 1 minuut
   *[other] { $minutes } minuten
} en probeer het dan opnieuw.
tfa-setup-title = Inloggen met een code
tfa-enrolled-text = Je logt al in met een code uit je app. Nieuwe telefoon of app? Vraag de beheerder om je code opnieuw in te stellen. Daarna stel je hier een nieuwe in.
tfa-continue = Verder naar koers
tfa-why = Je account ziet namen, telefoonnummers of exports. Daarom vraagt koers bij het inloggen om je wachtwoord én een code uit een app op je telefoon. Stel dat nu één keer in.
tfa-step-install = Installeer een authenticator-app op je telefoon, als je die nog niet hebt.
tfa-step-scan = Scan in de app deze QR-code.
tfa-qr-alt = QR-code met je sleutel voor de app
tfa-step-type = Lukt scannen niet? Typ dan deze sleutel over:
tfa-step-code = Vul hieronder de code van zes cijfers in die de app nu laat zien.
tfa-setup-label = Code uit de app
tfa-setup-submit = Instellen
tfa-setup-wrong = Deze code klopt niet. Scan de QR-code opnieuw of typ de sleutel over, en vul de nieuwste code in.
tfa-codes-title = Je herstelcodes
tfa-codes-text = Vanaf nu vraagt koers bij het inloggen om je wachtwoord en een code uit je app. Raak je je telefoon kwijt? Dan kun je in plaats van de code een van deze herstelcodes gebruiken. Elke code werkt één keer.
tfa-codes-keep = Bewaar ze nu op een veilige plek, bijvoorbeeld in je wachtwoordbeheerder. Je ziet ze hierna nooit meer.
tfa-codes-done = Ik heb ze bewaard: verder naar koers

## Who needs attention
attention-heading = Aandacht nodig
attention-alarms = Antwoorden om naar te kijken
attention-alarms-text = In een open antwoord stond een woord dat het onderzoek als zorgwekkend heeft opgegeven. Kijk of iemand contact moet opnemen.
attention-warnings = Signalen uit de dagboeken
attention-warnings-text = Alleen over studenten die dit goed vonden. Het is een vraag, geen oordeel.
attention-failing = Telefoonnummers die niet werken
attention-failing-since = Werkt niet sinds { $since }
attention-all-work = Alle nummers werken.
attention-silent = Al { $weeks } keer geen antwoord
attention-weeks-label = Aantal keer op rij niets ingevuld
attention-last = Laatst ingevuld op { $when }
attention-never = Nog nooit iets ingevuld
attention-everyone-answered = Iedereen heeft de laatste { $weeks } keer minstens één keer iets ingevuld.

## Accounts
accounts-title = Accounts
accounts-account = Account
accounts-admins-only-text = Accounts beheren kan alleen een beheerder van het onderzoek.
accounts-all = Alle accounts
accounts-email = E-mail
accounts-status = Status
accounts-disabled = uitgeschakeld
accounts-active = actief
accounts-second-step = Tweede stap
accounts-second-step-on = ingesteld
accounts-second-step-off = niet ingesteld
accounts-sessions = Sessies
accounts-roles = Rollen
accounts-remove-role = Rol verwijderen
accounts-actions = Wat je kunt doen
accounts-enable = Weer inschakelen
accounts-disable = Uitschakelen (stopt sessies, tokens en API-sleutels meteen)
accounts-sign-out = Overal uitloggen
accounts-new-password = Nieuw tijdelijk wachtwoord
accounts-reset-second-step = Tweede stap opnieuw laten instellen
accounts-intro = De accounts met rollen waar jij beheerder bent.
accounts-no-second-step = geen tweede stap
accounts-none = Er zijn geen accounts die je kunt beheren.
accounts-password-done = Nieuw tijdelijk wachtwoord: { $password } . Geef het veilig door (niet per e-mail). Het staat nergens anders en je ziet het maar één keer. Alle sessies van het account zijn beëindigd.
accounts-role-in = { $role } in { $study }
accounts-role-organisation = organisatie { $organisation }
accounts-role-team = team { $team }
accounts-role-exports = mag exporteren
staff-role-coordinator = coördinator
staff-role-researcher = onderzoeker
staff-role-admin = beheerder

## The audit log
audit-heading = Logboek
audit-intro = Wie wat deed met de gegevens, het nieuwste eerst. Ook het bekijken van dit logboek staat erin.
audit-kind = Soort
audit-all = Alles
audit-caption = Logboek, pagina { $page } van { $pages }
audit-when = Wanneer
audit-who = Wie
audit-what = Wat
audit-about = Waarover
audit-details = Details
audit-empty = Er staat nog niets in het logboek.
audit-admins-only-text = Het logboek is alleen te zien voor beheerders. Het overzicht met aantallen vind je onder Overzicht.
audit-study = onderzoek { $study }
audit-target-person = persoon
audit-target-people = mensen
audit-target-staff = account
audit-target-api_key = API-sleutel
audit-target-study = onderzoek
audit-target-audit_log = logboek

## The dashboard
dash-title = Overzicht
dash-heading = Overzicht { $study }
dash-no-role-heading = Geen toegang
dash-no-role-text = Je account heeft nog geen rol in een onderzoek. Vraag de beheerder om een rol.
dash-no-study-heading = Dit onderzoek bestaat niet
dash-no-study-text = Of je mag het niet zien. Kies een onderzoek op het overzicht.
dash-week = { $week } (vanaf { $monday })
dash-percent = { $percent } % ({ $part } van { $whole })
dash-no-group = Zonder groep
dash-all-groups = Alle groepen
dash-failed-heading = Berichten komen niet aan.
dash-failed-text = In de afgelopen 24 uur { $n ->
    [one] is 1 bericht niet verstuurd, of is niet zeker of het aankwam.
   *[other] zijn { $n } berichten niet verstuurd, of is niet zeker of ze aankwamen.
} Vraag de beheerder of de sms-dienst werkt.
dash-overdue-heading = Het versturen loopt achter.
dash-overdue-text = { $n ->
    [one] 1 bericht wacht
   *[other] { $n } berichten wachten
} al meer dan { $minutes } minuten op verzending. Kijk of de planner draait.
dash-overdue-since = Het oudste wacht sinds { $since }.
dash-job-heading = Een taak van de planner mislukt.
dash-job-text = De taak '{ $job }' ging de laatste keer mis.
dash-job-last-ok = Het laatst gelukt op { $when }.
dash-untouched = gemiddeld { $percent } %
dash-mssd = { $mssd } (schaal 0-100)
dash-quality-rules = Sliders in het midden: minstens { $share } % van de aangeraakte sliders ligt binnen { $band } % van het midden. Heel snel: een dagboek duurt in het midden genomen korter dan { $seconds } seconden. Beide pas vanaf { $responses } ingevulde dagboeken.
dash-rate-title = Respons per groep en week
dash-rate-description = Percentage ingevulde vragenlijsten per week over de laatste { $weeks } weken, één lijn per groep. De tabel hieronder geeft dezelfde cijfers.
dash-sent-title = Uitnodigingen verstuurd en vragenlijsten ingevuld per week
dash-sent-description = Aantal verstuurde uitnodigingen en aantal ingevulde vragenlijsten per week. De tabel hieronder geeft dezelfde cijfers.
dash-series-invites = Uitnodigingen verstuurd
dash-series-completed = Ingevuld
dash-study = Onderzoek
dash-group = Groep
dash-span = Aantal weken in de grafieken
dash-silent-weeks = Hoeveel weken zonder antwoord telt als stil
dash-counts-only = Alleen aantallen, zonder namen of telefoonnummers. Bijgewerkt op { $updated }.
dash-limited = Je ziet alleen de mensen van je eigen organisatie of team.
dash-rate-heading = Respons per week
dash-rate-text = Van de vragenlijsten die in een week klaarstonden: hoeveel procent is ingevuld. De lopende week is nog niet af.
dash-rate-caption = Respons per groep en week: ingevuld van klaargezet
dash-col-week = Week
dash-sent-heading = Verstuurd en ingevuld per week
dash-sent-caption = Uitnodigingen, herinneringen, klaargezette en ingevulde vragenlijsten per week
dash-col-invites = Uitnodigingen verstuurd
dash-col-reminders = Herinneringen verstuurd
dash-col-windows = Klaargezet
dash-col-completed = Ingevuld
dash-pairs-heading = Actieve koppels
dash-pairs-text = Studenten met een begeleider, vandaag:
dash-silent-heading = Al { $weeks } weken geen antwoord
dash-silent-text = Mensen die nog meedoen en de laatste { $weeks } weken niets hebben ingevuld:
dash-quality-heading = Datakwaliteit van de dagboeken
dash-quality-text = Een vlag is een hint om beter te kijken, geen oordeel.
dash-q-assessed = Mensen met een dagboek
dash-q-middle = Sliders in het midden
dash-q-fast = Heel snel ingevuld
dash-q-flagged = Minstens één vlag
dash-q-untouched = Sliders niet aangeraakt
dash-q-mssd = MSSD, de middelste van alle mensen

## Setting people aside from the analysis
excl-title = Uitsluiten van de analyse
excl-done-exclude = Uitgesloten. De bestanden laten het zien vanaf de volgende export.
excl-done-include = Weer meegenomen in de analyse.
excl-researchers-only-text = Iemand uitsluiten van de analyse kan alleen wie de antwoorden van het onderzoek mag bekijken.
excl-reason-problem = Schrijf kort waarom, op één regel (hooguit { $max } tekens).
excl-person-unknown = Niemand in dit onderzoek heeft dit pseudoniem, of je mag deze persoon niet zien. Kopieer het uit de bestanden.
excl-study = Onderzoek:
excl-intro-kept = Iemand die je uitsluit, blijft in de bestanden staan.
excl-intro-column = De reden staat dan in de kolom
excl-intro-file = van het bestand
excl-intro-undo = Je kunt het altijd terugdraaien. Elke wijziging komt in het logboek.
excl-exclude-heading = Iemand uitsluiten
excl-person-label = Pseudoniem (zoals in de bestanden, bijvoorbeeld p5eafee0f56d56e467ebb)
excl-reason-label = Reden (zonder namen)
excl-submit = Uitsluiten
excl-now = Nu uitgesloten
excl-no-reason = Geen reden opgegeven
excl-include = Weer meenemen
excl-none = Niemand. Iedereen telt mee in de analyse.

## The study report
report-researchers-only-text = Het rapport van een onderzoek kan alleen zien wie de antwoorden van het onderzoek mag bekijken.
report-test-title = { $study } (TEST: oefengegevens)

# The study report (`koers report`, /staff/report): its words; statistical codes stay as in the exports.
report-page-title = Rapport: { $study }
report-heading = Onderzoeksrapport: { $study }
report-intro = Weken tellen vanaf ieders start (1 = de kalenderweek van de eerste dag). Gemiddelden staan er met een 95%-betrouwbaarheidsinterval (t-verdeling) en de middelste 50% (kwartielen).
report-response-heading = Respons per groep en week
report-response-chart = Respons: { $series }
report-share-completed = deel ingevuld
report-constructs-heading = Dagboekschalen per groep en week
report-aligned-heading = Gezien vanaf de week van uitval (blijvers: vanaf hun laatste week)
report-mean-ci = gemiddelde, 95%-BI
report-shares-heading = Keuzes per groep en uitkomst
report-pairs-heading = Paren met minstens n gezamenlijke weken
report-col-group = groep
report-col-who = wie
report-col-week = week
report-col-opened = geopend
report-col-completed = ingevuld
report-col-rate = respons
report-col-mean = gemiddelde
report-col-option = keuze
report-col-share = aandeel
report-col-pairs = paren
