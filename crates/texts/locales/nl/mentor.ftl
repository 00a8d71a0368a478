# What mentors read on their own pages: the overview, the week, a student's trend. Words that
# differ for "u" are a `.u` attribute (Dutch only).
