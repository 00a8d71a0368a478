# What mentors read on their own pages: the overview, the week, a student's trend. Words that
# differ for "u" are a `.u` attribute (Dutch only).

# The overview: what is still to do this week, and how each student is doing with theirs.
mentor-hello = Hoi { $name }!
    .u = Goedendag { $name }!
mentor-todo-heading = Nog te doen deze week
mentor-rest-heading = Je studenten
    .u = Uw studenten
mentor-none-todo = Er is nu niets in te vullen. Dank je wel!
    .u = Er is nu niets in te vullen. Dank u wel!
mentor-fill = Invullen
mentor-your-diary = Jouw dagboek
    .u = Uw dagboek
mentor-you-todo = nog te doen
mentor-you-done = klaar
mentor-you-none = nu niet open
mentor-themselves = zelf
mentor-student-done = heeft deze week ingevuld
mentor-student-open = heeft nog niet ingevuld
mentor-student-none = heeft nog geen vragenlijst
mentor-own = Een vragenlijst over jezelf
    .u = Een vragenlijst over uzelf
mentor-view = Hoe het gaat

# An early warning about a student (also on the coordinator's attention list).
warning-less-well = Het lijkt minder te gaan met { construct-title } bij { $student }. Misschien goed om te vragen hoe het gaat?
warning-missing = { $student } heeft een paar weken geen vragenlijst ingevuld. Misschien goed om te vragen hoe het gaat?

# After a diary is saved.
mentor-thanks-heading = Dank je wel!
    .u = Dank u wel!
mentor-saved-diary = Opgeslagen. Dank je wel voor je dagboek over { $name }.
    .u = Opgeslagen. Dank u wel voor uw dagboek over { $name }.
mentor-saved-own = Opgeslagen: “{ $title }”. Dank je wel!
    .u = Opgeslagen: “{ $title }”. Dank u wel!
mentor-next = Volgende: { $name }
mentor-next-own = Volgende: een vragenlijst over jezelf
    .u = Volgende: een vragenlijst over uzelf
mentor-week-done = Dat was alles voor deze week.
mentor-to-overview = Naar mijn overzicht

# A student's trend and the support match, as far as the student agreed.
mentor-trend-heading = Hoe het gaat met { $name }
mentor-trend-intro = { $name } vindt het goed dat je dit ziet. Elk punt is het gemiddelde van het dagboek van één week, van 0 tot 100. Je ziet nooit losse antwoorden of wat { $name } schreef.
    .u = { $name } vindt het goed dat u dit ziet. Elk punt is het gemiddelde van het dagboek van één week, van 0 tot 100. U ziet nooit losse antwoorden of wat { $name } schreef.
mentor-trend-none = Er zijn nog niet genoeg weken om een lijn te laten zien.
mentor-trend-back = Terug naar mijn overzicht
support-heading = Steun: jij en je student
    .u = Steun: u en uw student
support-intro = Het gemiddelde van de drie vragen over steun (zelf kiezen, vertrouwen in eigen kunnen, erbij horen) per week.
support-chart-title = Steun per week: jij en { $name }
    .u = Steun per week: u en { $name }
support-chart-description = Twee lijnen van 0 tot 100; de tabel eronder heeft dezelfde getallen.
support-yours = Jouw steun (zoals je die bedoelde)
    .u = Uw steun (zoals u die bedoelde)
support-theirs = Steun zoals { $name } die voelde

# A trend chart (the mentor's view and a student's own trend).
trend-chart-title = { $whose }: { construct-title } per week
trend-chart-description = Gemiddelde per week van 0 tot 100; de tabel eronder heeft dezelfde getallen.
trend-week = Week
trend-mean = Gemiddelde
construct-title = { $construct ->
    [commitment] zin in de opleiding
    [pass_confidence] vertrouwen om het jaar te halen
    [time_enough] genoeg tijd voor school
    [wellbeing] hoe de student zich voelt
    [need_school] hoe het op school gaat
   *[need_outside] hoe het buiten school gaat
}
