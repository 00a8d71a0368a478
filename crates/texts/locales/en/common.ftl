# Words every page shares.

lang-nl = Nederlands
lang-en = English
