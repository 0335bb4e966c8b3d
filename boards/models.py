# Models of this app arrive with its own issue (see the README roadmap).
