# docs/: architecture, format, pipeline and performance notes, man pages.
EXTRA_DIST += \
	docs/architecture.md \
	docs/distributed.md \
	docs/filter-format.md \
	docs/fuzzing.md \
	docs/libvirt.md \
	docs/performance.md \
	docs/pipeline.md

dist_man_MANS = \
	docs/nwf-controller.8 \
	docs/nwf-ofctl.8
