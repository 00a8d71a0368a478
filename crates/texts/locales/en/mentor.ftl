# What mentors read on their own pages: the overview, the week, a student's trend. Words that
# differ for "u" are a `.u` attribute (Dutch only).

# The overview: what is still to do this week, and how each student is doing with theirs.
mentor-hello = Hi { $name }!
mentor-todo-heading = Still to do this week
mentor-rest-heading = Your students
mentor-none-todo = Nothing to fill in right now. Thank you!
mentor-fill = Fill in
mentor-your-diary = Your diary
mentor-you-todo = to do
mentor-you-done = done
mentor-you-none = not open now
mentor-themselves = themselves
mentor-student-done = answered this week
mentor-student-open = has not answered yet
mentor-student-none = has no questionnaire yet
mentor-own = A questionnaire about yourself
mentor-view = How it goes

# An early warning about a student (also on the coordinator's attention list).
warning-less-well = It looks like { construct-title } is going less well for { $student }. Perhaps ask how things are going?
warning-missing = { $student } has not filled in a diary for a few weeks. Perhaps ask how things are going?

# After a diary is saved.
mentor-thanks-heading = Thank you!
mentor-saved-diary = Saved. Thank you for your diary about { $name }.
mentor-saved-own = Saved: “{ $title }”. Thank you!
mentor-next = Next: { $name }
mentor-next-own = Next: a questionnaire about yourself
mentor-week-done = That was everything for this week.
mentor-to-overview = To my overview

# A student's trend and the support match, as far as the student agreed.
mentor-trend-heading = How it goes with { $name }
mentor-trend-intro = { $name } agreed that you see this. Each point is the mean of one week's diary, from 0 to 100. You never see single answers or what { $name } wrote.
mentor-trend-none = There are not enough weeks yet to show a line.
mentor-trend-back = Back to my overview
support-heading = Support: you and your student
support-intro = The mean of the three support questions (own choices, feeling capable, belonging) per week.
support-chart-title = Support per week: you and { $name }
support-chart-description = Two lines from 0 to 100; the table below has the same numbers.
support-yours = Your support (as you meant it)
support-theirs = Support as { $name } felt it

# A trend chart (the mentor's view and a student's own trend).
trend-chart-title = { $whose }: { construct-title } per week
trend-chart-description = Weekly mean from 0 to 100; the table below has the same numbers.
trend-week = Week
trend-mean = Mean
construct-title = { $construct ->
    [commitment] commitment to the programme
    [pass_confidence] confidence in passing the year
    [time_enough] enough time for school
    [wellbeing] how the student feels
    [need_school] how school is going
   *[need_outside] how life outside school is going
}
