# What students, mentors and parents read on their own pages.

p-back = Back
pause-intro = On holiday, or need a break? Choose the day you want to hear from us again. Until then you get no text messages.
pause-heading = Take a break
pause-submit = Pause until this day
pause-date = Messages again from
pause-choose-day = Choose a day between tomorrow and { $weeks } weeks from now.
pause-done = Enjoy your break! You will hear from us again from { $day }.
pause-done-heading = Paused
stop-any-time = You can stop at any time, without giving a reason.
stop-last-questionnaire = If you stop, we ask you one last short questionnaire. After that you get no more text messages from us.
stop-heading = Stop taking part?
stop-keep-going = No, I'll keep going
stop-submit = Yes, I want to stop
my-mentor-heading = Your { $title }
my-mentor-is = Your { $title } is { $name }.
my-mentor-call = You can call or text { $name } on { $phone }.
my-mentor-talk = You can talk to { $name } at school or where you usually meet.
my-mentor-none = You have no { $title } in the study right now. Ask at school who can help you.
my-mentor-call-button = Call { $name }
p-logout = Log out
help-link = Need help?
help-heading = Need help?
help-intro = Is something bothering you and do you want to talk to someone now? You can turn to these.
help-call = Call { $name }: { $phone }
help-site = Go to the website of { $name }
help-emergency = Is there danger? Call 112 straight away.
consent-guardian-phone = We need a mobile number for your parent or carer, for example 06 12345678 or 06-1234 5678.
home-waiting-heading = Almost there
home-waiting = Thank you for saying yes! We sent your parent or carer a text message. As soon as they agree too, you can start.
home-thanks-heading = Thank you
home-guardian-declined = Your parent or carer would rather you did not take part. That is fine: you will not get any more questions from us.
home-hi = Hi { $name }!
home-nothing-open = There is no questionnaire for you to fill in right now.
home-next = The next one comes on { $when }. You will get a text message then.
home-all-done = You have answered everything. Thank you for taking part!
home-earned = So far you have earned { $amount }.
home-ended = You are no longer taking part in the study. Thank you for everything you filled in!
home-link-mentor = Who is my { $title }?
home-link-stop = Stop taking part
home-paused = You are taking a break. From { $day } you will get text messages from us again.
home-paused-heading = Taking a break
home-resume = Start again now

# Words that may reach anyone, before it is known who they are (no session, an error).
p-signed-out-heading = Open the link in your text message
p-signed-out = This page opens through the personal link in your text message. Open that link again.
p-logged-out-heading = Logged out
p-logged-out = Want to go on? Open the link in your text message again.
p-link-busy-heading = One moment
p-link-busy = Too many links were tried. Wait a minute, then open the link in your text message.
p-link-unknown-heading = We do not know this link
p-link-unknown = Check that the whole link from the text message was opened. Still not working? Get in touch with the school.
p-not-found-heading = This page does not exist
p-not-found = Go back to your overview through the link in your text message.
p-unavailable-heading = One moment
p-unavailable = It does not work right now. Please try again in a few minutes.
p-csrf-heading = Please try again
p-csrf = This form was open too long or came from elsewhere. Open the link in your text message and fill it in again.

# An old link: what is open now and when the next one comes.
link-expired-heading = This link has expired
link-expired = This link belongs to a questionnaire that has closed. That's fine.
link-expired-open = There is a questionnaire open for you now: use the link in your newest text message.
link-expired-next = The next one comes on { $when }. You will get a text message then.

feedback-consent-link = What may my mentor see?

# A parent's or carer's consent for their child.
guardian-thanks-heading = Thank you
guardian-saved = Your answer has been saved.
guardian-agreed = Your child can take part now. Thank you for your consent.
guardian-declined = Your child will not take part and will get no questions from us. Thank you for your answer.

# A student's own trend after a diary: the chart names them.
trend-you = You

# The front page, for anyone who arrives without a link.
landing-heading = Welcome to koers
landing-intro = Taking part in a study? Open the personal link in your text message. No password needed.
landing-demo = This is a demo study. Open a personal link to see what participants see:
landing-demo-try = Try the questionnaires
landing-demo-nothing-kept = (nothing is kept)
landing-status = Status

# SMS texts koers writes itself (a protocol's own texts are in its YAML). { $name } and { $link }
# are filled with the SMS placeholders, which render_message fills in at sending. A fragment that
# continues a sentence starts with { " " }: Fluent drops a value's leading blanks.
sms-invitation = Hi { $name }, a short questionnaire is ready for you: { $link }
sms-can-start = Hi { $name }, your parent or carer said yes. You can start now: { $link }
sms-guardian-child = Hello, { $child } from { $school } would like to take part in a study
sms-guardian-anonymous = Hello, your child would like to take part in a study at school
sms-guardian-by = { " " }by { $group }
sms-guardian-permission = { " " }and needs your permission.
sms-guardian-questions = { " " }Questions? { $contact }.
sms-guardian-answer = { " " }Read more and answer here: { $link }
