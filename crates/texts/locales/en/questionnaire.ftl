# The questionnaire page around the study's own questions: steps, progress, buttons, errors,
# the thank-you page. Words that differ for "u" are a `.u` attribute (Dutch only).

## Around the questions
q-send = Send
q-fix = Some answers need another look:
q-only-if = Only fill this in if it applies to you.
q-slider-set = I have set this slider
q-tap = Tap the line
q-date = Date
q-hours = Hour
q-minutes = Minutes
q-drawing = Drawing needs a newer browser.
q-network = Drawing your network needs a newer browser.
q-choose = Choose
q-notice = Press Send below to hand in your answers.
q-other = Other, namely
q-other-fill = Fill something in
q-unsubscribe = Stop taking part
q-expansion = Number { $n }
q-add = Add one
q-remove = Remove the last
q-offline = You have no internet connection right now. Your answers are kept on this phone. Press Send again when you are back online.

## Steps and progress
q-step = Step { $n } of { $count }
q-back = Back
q-next = Next
# A questionnaire without steps says at the top how long it is, and (with answers) how far along.
q-count = { $count ->
    [one] This questionnaire has 1 question.
   *[other] This questionnaire has { $count } questions.
}
q-progress = { $done } of { $count } questions answered

## When the page cannot be answered, or is sent empty
q-closed-heading = This questionnaire has closed
q-closed-line = That's fine. You will get a text message when the next one is ready.
q-to-overview = To my overview
q-empty-heading = Nothing filled in yet
q-empty-line = You have not answered any question. Do you want to send it like this?
q-empty-yes = Yes, send it empty
q-empty-back = No, back to the questions

## Drafts
q-kept-heading = Your answers are saved
q-kept-line = You were signed out, but nothing is lost: we kept your answers.
q-kept-again = Open the link from your text message again to check them and send them.
q-copy = Same as last week, with changes
q-saved-about = Saved: your diary about { $name }. Thank you! Here is the next one.

## The thank-you page
q-thanks-heading = Thank you, { $name }!
q-thanks-saved-title = Your answers to “{ $title }” have been saved.
q-thanks-saved = Your answers have been saved.
q-thanks-earned = You earned { $amount } with this. In total you now have { $total }.
q-thanks-streak = { $streak } times in a row. Great going!
q-thanks-twice = Twice in a row. Nice!
q-thanks-welcome-more = Good to have you here. There is one more for you now.
q-thanks-welcome = Good to have you here. See you next week!
q-thanks-next = On to the next questionnaire
q-thanks-trend = This is how things went for you over the weeks (a mean per week, from 0 to 100). Only you see this.
q-thanks-total = Earned so far
q-thanks-in-a-row = In a row

## Trying a questionnaire out (the demo's preview)
q-preview-list-heading = Questionnaires to try
q-preview-list-intro = Try a questionnaire out as participants see it. Nothing you fill in is stored: you only see what koers would store.
q-preview-not-answered = (not answered)
q-preview-heading = This is what koers would store
q-preview-intro = Nothing was stored: this is a preview.
q-preview-item = Question
q-preview-value = Answer
q-preview-scores = Scores
q-preview-stop = This answer would end participation (after the closing questionnaire).
q-preview-again = Fill it in again
q-preview-all = All questionnaires
q-preview-not-found = This page does not exist
q-preview-check-address = Check whether the address is right.
q-preview-busy = One moment
q-preview-try-again = Try again in a little while.

## A form sent without a session whose answers could not be kept
q-open-link-heading = Open the link from your text message
q-open-link-line = You get here through the personal link in your text message. Open that link again.
