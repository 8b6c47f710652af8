# docs/: architecture, format, pipeline and performance notes, man pages.
EXTRA_DIST += \
	docs/architecture.md \
	docs/filter-format.md \
	docs/fuzzing.md
