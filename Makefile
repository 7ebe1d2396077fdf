# The two commands of README.rst; see DEVELOPMENT.rst.
.PHONY: setup test

setup:
	tools/setup.sh

test:
	tools/test.sh
