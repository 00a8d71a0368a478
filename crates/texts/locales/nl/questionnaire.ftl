# The questionnaire page around the study's own questions: steps, progress, buttons, errors,
# the thank-you page. Words that differ for "u" are a `.u` attribute (Dutch only).

## Around the questions
q-send = Versturen
q-fix = Kijk nog even naar deze antwoorden:
q-only-if = Vul dit alleen in als het voor jou geldt.
    .u = Vul dit alleen in als het voor u geldt.
q-slider-set = Ik heb dit schuifje ingesteld
q-tap = Tik op de lijn
q-date = Datum
q-hours = Uur
q-minutes = Minuten
q-drawing = Tekenen werkt alleen in een nieuwere browser.
q-network = Je netwerk tekenen werkt alleen in een nieuwere browser.
    .u = Uw netwerk tekenen werkt alleen in een nieuwere browser.
q-choose = Kies
q-notice = Druk hieronder op Versturen om je antwoorden in te leveren.
    .u = Druk hieronder op Versturen om uw antwoorden in te leveren.
q-other = Anders, namelijk
q-other-fill = Vul iets in
q-unsubscribe = Stoppen met meedoen
q-expansion = Nummer { $n }
q-add = Nog een toevoegen
q-remove = Laatste weghalen
q-offline = Je hebt nu geen internet. Je antwoorden blijven bewaard op deze telefoon. Druk op Versturen als je weer internet hebt.
    .u = U heeft nu geen internet. Uw antwoorden blijven bewaard op deze telefoon. Druk op Versturen als u weer internet heeft.

## Steps and progress
q-step = Stap { $n } van { $count }
q-back = Vorige
q-next = Volgende
# A questionnaire without steps says at the top how long it is, and (with answers) how far along.
q-count = { $count ->
    [one] Deze vragenlijst heeft 1 vraag.
   *[other] Deze vragenlijst heeft { $count } vragen.
}
q-progress = { $done } van de { $count } vragen beantwoord

## When the page cannot be answered, or is sent empty
q-closed-heading = Deze vragenlijst is gesloten
q-closed-line = Dat is niet erg. Je krijgt een sms als de volgende klaarstaat.
    .u = Dat is niet erg. U krijgt een sms als de volgende klaarstaat.
q-to-overview = Naar mijn overzicht
q-empty-heading = Nog niets ingevuld
q-empty-line = Je hebt nog geen enkele vraag beantwoord. Wil je het zo versturen?
    .u = U heeft nog geen enkele vraag beantwoord. Wilt u het zo versturen?
q-empty-yes = Ja, leeg versturen
q-empty-back = Nee, terug naar de vragen

## Drafts
q-kept-heading = Je antwoorden zijn bewaard
    .u = Uw antwoorden zijn bewaard
q-kept-line = Je was uitgelogd, maar er is niets kwijt: we hebben je antwoorden bewaard.
    .u = U was uitgelogd, maar er is niets kwijt: we hebben uw antwoorden bewaard.
q-kept-again = Open de link uit je sms nog een keer. Dan kun je ze nakijken en versturen.
    .u = Open de link uit uw sms nog een keer. Dan kunt u ze nakijken en versturen.
q-copy = Zelfde als vorige week, met aanpassingen
q-saved-about = Opgeslagen: je dagboek over { $name }. Dank je wel! Hier is de volgende.
    .u = Opgeslagen: uw dagboek over { $name }. Dank u wel! Hier is de volgende.

## The thank-you page
q-thanks-heading = Dank je wel, { $name }!
    .u = Dank u wel, { $name }!
q-thanks-saved-title = Je antwoorden op “{ $title }” zijn opgeslagen.
    .u = Uw antwoorden op “{ $title }” zijn opgeslagen.
q-thanks-saved = Je antwoorden zijn opgeslagen.
    .u = Uw antwoorden zijn opgeslagen.
q-thanks-earned = Je hebt hiermee { $amount } verdiend. In totaal heb je nu { $total }.
    .u = U heeft hiermee { $amount } verdiend. In totaal heeft u nu { $total }.
q-thanks-streak = Al { $streak } keer op rij. Goed bezig!
q-thanks-twice = Twee keer op rij. Mooi!
q-thanks-welcome-more = Fijn dat je meedoet. Er staat nog een vragenlijst voor je klaar.
    .u = Fijn dat u meedoet. Er staat nog een vragenlijst voor u klaar.
q-thanks-welcome = Fijn dat je meedoet. Tot volgende week!
    .u = Fijn dat u meedoet. Tot volgende week!
q-thanks-next = Verder naar de volgende vragenlijst
q-thanks-trend = Zo ging het de afgelopen weken met je (een gemiddelde per week, van 0 tot 100). Alleen jij ziet dit.
    .u = Zo ging het de afgelopen weken met u (een gemiddelde per week, van 0 tot 100). Alleen u ziet dit.
q-thanks-total = Tot nu toe verdiend
q-thanks-in-a-row = Keer op rij

## Trying a questionnaire out (the demo's preview)
q-preview-list-heading = Vragenlijsten bekijken
q-preview-list-intro = Probeer een vragenlijst uit zoals deelnemers hem zien. Wat je invult wordt niet bewaard: je ziet alleen wat koers zou opslaan.
q-preview-not-answered = (niet beantwoord)
q-preview-heading = Dit zou koers bewaren
q-preview-intro = Er is niets bewaard: dit is een voorbeeld.
q-preview-item = Vraag
q-preview-value = Antwoord
q-preview-scores = Scores
q-preview-stop = Met dit antwoord stopt het meedoen (na de laatste vragenlijst).
q-preview-again = Opnieuw invullen
q-preview-all = Alle vragenlijsten
q-preview-not-found = Deze pagina bestaat niet
q-preview-check-address = Kijk of het adres klopt.
q-preview-busy = Even geduld
q-preview-try-again = Probeer het zo opnieuw.

## A form sent without a session whose answers could not be kept
q-open-link-heading = Open de link uit je sms
q-open-link-line = Je komt hier via de persoonlijke link in je sms. Open die link nog een keer.
