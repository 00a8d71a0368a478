# What students, mentors and parents read on their own pages. Students read "je"; a text that
# mentors or parents may read carries its "u" words as a `.u` attribute (koers_texts::t_in).

p-back = Terug
pause-intro = Op vakantie of even geen tijd? Kies de dag waarop je weer berichten wilt krijgen. Tot die dag krijg je geen sms van ons.
    .u = Op vakantie of even geen tijd? Kies de dag waarop u weer berichten wilt krijgen. Tot die dag krijgt u geen sms van ons.
pause-heading = Even pauzeren
pause-submit = Pauzeer tot deze dag
pause-date = Weer berichten vanaf
pause-choose-day = Kies een dag tussen morgen en over { $weeks } weken.
pause-done = Fijne pauze! Vanaf { $day } krijg je weer berichten van ons.
    .u = Fijne pauze! Vanaf { $day } krijgt u weer berichten van ons.
pause-done-heading = Gepauzeerd
stop-any-time = Je mag altijd stoppen, zonder uitleg.
    .u = U mag altijd stoppen, zonder uitleg.
stop-last-questionnaire = Als je stopt, vragen we je nog één laatste korte vragenlijst. Daarna krijg je geen sms meer van ons.
    .u = Als u stopt, vragen we u nog één laatste korte vragenlijst. Daarna krijgt u geen sms meer van ons.
stop-heading = Stoppen met meedoen?
stop-keep-going = Nee, ik doe verder mee
stop-submit = Ja, ik wil stoppen
my-mentor-heading = Je { $title }
my-mentor-is = Je { $title } is { $name }.
my-mentor-call = Je kunt { $name } bellen of een bericht sturen: { $phone }.
my-mentor-talk = Je kunt { $name } spreken op school of waar jullie elkaar meestal zien.
my-mentor-none = Je hebt nu geen { $title } in het onderzoek. Vraag op school wie je kan helpen.
my-mentor-call-button = Bel { $name }
p-logout = Uitloggen
help-link = Hulp nodig?
help-heading = Hulp nodig?
help-intro = Zit je ergens mee en wil je er nu met iemand over praten? Hier kun je terecht.
    .u = Zit u ergens mee en wilt u er nu met iemand over praten? Hier kunt u terecht.
help-call = { $name } bellen: { $phone }
help-site = Naar de website van { $name }
help-emergency = Is er gevaar? Bel dan meteen 112.
consent-guardian-phone = We hebben een mobiel nummer van je ouder of verzorger nodig, bijvoorbeeld 06 12345678 of 06-1234 5678.
home-waiting-heading = Bijna klaar
home-waiting = Fijn dat je mee wilt doen! We hebben je ouder of verzorger een sms gestuurd. Zodra die ook ja zegt, kun je beginnen.
home-thanks-heading = Bedankt
home-guardian-declined = Je ouder of verzorger wil liever niet dat je meedoet. Dat is prima: je krijgt geen vragen meer van ons.
home-hi = Hoi { $name }!
home-nothing-open = Er staat nu geen vragenlijst voor je klaar.
home-next = De volgende komt op { $when }. Je krijgt dan een sms.
home-all-done = Je hebt alles ingevuld. Bedankt voor het meedoen!
home-earned = Je hebt tot nu toe { $amount } verdiend.
home-ended = Je doet niet meer mee aan het onderzoek. Bedankt voor alles wat je hebt ingevuld!
    .u = U doet niet meer mee aan het onderzoek. Bedankt voor alles wat u hebt ingevuld!
home-link-mentor = Wie is mijn { $title }?
home-link-stop = Stoppen met meedoen
home-paused = Je hebt even pauze. Vanaf { $day } krijg je weer sms'jes van ons.
    .u = U hebt even pauze. Vanaf { $day } krijgt u weer sms'jes van ons.
home-paused-heading = Even pauze
home-resume = Nu weer meedoen

# Words that may reach anyone, before it is known who they are (no session, an error): they
# speak to nobody in particular, so they read the same for "je" and "u".
p-signed-out-heading = Open de link uit de sms
p-signed-out = Deze pagina opent via de persoonlijke link in de sms. Open die link nog een keer.
p-logged-out-heading = Uitgelogd
p-logged-out = Verder gaan? Open dan de link uit de sms nog een keer.
p-link-busy-heading = Even wachten
p-link-busy = Er zijn te veel links geprobeerd. Wacht een minuut en open dan de link uit de sms.
p-link-unknown-heading = Deze link kennen we niet
p-link-unknown = Kijk of de hele link uit de sms is geopend. Lukt het niet? Neem dan contact op met school.
p-not-found-heading = Deze pagina bestaat niet
p-not-found = Ga terug naar het overzicht via de link in de sms.
p-unavailable-heading = Even geduld
p-unavailable = Het lukt nu even niet. Probeer het over een paar minuten opnieuw.
p-csrf-heading = Probeer het nog een keer
p-csrf = Dit formulier stond te lang open of kwam ergens anders vandaan. Open de link uit de sms en vul het opnieuw in.

# An old link: what is open now and when the next one comes.
link-expired-heading = Deze link is verlopen
link-expired = Deze link hoort bij een vragenlijst die gesloten is. Dat is niet erg.
link-expired-open = Er staat nu wel een vragenlijst voor je klaar: gebruik de link uit je nieuwste sms.
    .u = Er staat nu wel een vragenlijst voor u klaar: gebruik de link uit uw nieuwste sms.
link-expired-next = De volgende komt op { $when }. Je krijgt dan een sms.
    .u = De volgende komt op { $when }. U krijgt dan een sms.

feedback-consent-link = Wat mag mijn begeleider zien?

# A parent's or carer's consent for their child.
guardian-thanks-heading = Dank je wel
    .u = Dank u wel
guardian-saved = Je antwoord is opgeslagen.
    .u = Uw antwoord is opgeslagen.
guardian-agreed = Je kind kan nu meedoen. Dank je wel voor je toestemming.
    .u = Uw kind kan nu meedoen. Dank u wel voor uw toestemming.
guardian-declined = Je kind doet niet mee en krijgt geen vragen van ons. Dank je wel voor je antwoord.
    .u = Uw kind doet niet mee en krijgt geen vragen van ons. Dank u wel voor uw antwoord.

# A student's own trend after a diary: the chart names them.
trend-you = Jij

# The front page, for anyone who arrives without a link. The English line under the Dutch one
# is the English text of landing-intro, marked as English.
landing-heading = Welkom bij koers
landing-intro = Doe je mee aan een onderzoek? Je krijgt elke week een sms met een persoonlijke link. Open die link om de vragenlijst in te vullen. Je hebt geen wachtwoord nodig.
landing-demo = Dit is een demo-studie. Open een persoonlijke link om te zien wat deelnemers zien:
landing-demo-try = Probeer de vragenlijsten uit
landing-demo-nothing-kept = (er wordt niets bewaard)
landing-status = Status

# SMS texts koers writes itself (a protocol's own texts are in its YAML). { $name } and { $link }
# are filled with the SMS placeholders, which render_message fills in at sending. A fragment that
# continues a sentence starts with { " " }: Fluent drops a value's leading blanks.
sms-invitation = Hoi { $name }, er staat een korte vragenlijst voor je klaar: { $link }
sms-can-start = Hoi { $name }, je ouder of verzorger heeft ja gezegd. Je kunt nu beginnen: { $link }
sms-guardian-child = Hallo, { $child } van { $school } wil meedoen aan een onderzoek
sms-guardian-anonymous = Hallo, je kind wil meedoen aan een onderzoek op school
    .u = Hallo, uw kind wil meedoen aan een onderzoek op school
sms-guardian-by = { " " }van { $group }
sms-guardian-permission = { " " }en heeft je toestemming nodig.
    .u = { " " }en heeft uw toestemming nodig.
sms-guardian-questions = { " " }Vragen? { $contact }.
sms-guardian-answer = { " " }Lees meer en geef antwoord: { $link }
