# The two commands of README.rst; see DEVELOPMENT.rst.
.PHONY: setup test

setup:
	tools/setup.sh

test:
	tools/test.sh

# Helpers (DEVELOPMENT.rst): quick test run without the lint nor Odoo's own
# runner, that runner alone, the lint alone, setup/ regenerated after adding
# an addon or changing a manifest.
.PHONY: quicktest odoo-tests lint gen-setup

quicktest:
	SKIP_PRECOMMIT=1 ODOO_RUNNER=0 tools/test.sh

odoo-tests:
	tools/odoo_runner.sh $(ADDONS)

lint:
	.venv/bin/pre-commit run --all-files

gen-setup:
	.venv/bin/python tools/gen_setup.py

# The demo and the benchmarks (see tools/demo.py and tests/bench/README.rst).
# PY and ODOO_CONF default to what `make setup` made; override them from the
# environment, e.g. `PY=/path/to/venv/bin/python ODOO_CONF=/path/odoo.conf make demo`.
# PROVIDER picks the platform: tools/demo_providers/<PROVIDER>.py for the
# demo, tests/bench/bench_<PROVIDER>.py for the benchmark.
PY ?= .venv/bin/python
ODOO_CONF ?= .local/odoo.conf
PROVIDER ?= marketo
DEMO_ARGS ?=
BENCH_ARGS ?= --records 50000 --also 10000
.PHONY: demo bench bench-constantcontact

demo:
	ODOO_CONF=$(ODOO_CONF) PY=$(PY) $(PY) tools/demo.py --provider $(PROVIDER) $(DEMO_ARGS)

bench:
	ODOO_CONF=$(ODOO_CONF) PY=$(PY) $(PY) -m tests.bench.bench_$(PROVIDER) $(BENCH_ARGS)

# export of 50,000 partners and import of 50,000 contacts (and 10,000 of each)
CC_BENCH_ARGS ?= --sizes 10000,50000 --sample 100

bench-constantcontact:
	ODOO_CONF=$(ODOO_CONF) PY=$(PY) $(PY) -m tests.bench.bench_constantcontact $(CC_BENCH_ARGS)

# export of 20,000 partners (bulk import vs contact/sync) and 10,000 webhook posts
AC_BENCH_ARGS ?= --records 20000 --webhooks 10000
.PHONY: bench-activecampaign

bench-activecampaign:
	ODOO_CONF=$(ODOO_CONF) PY=$(PY) $(PY) -m tests.bench.bench_activecampaign $(AC_BENCH_ARGS)

# the fault suite (tests/bench/faults.py): prefork Odoo, every emulator, each
# fault, then a reconciliation whose counts must all be 0 (a few minutes)
FAULTS_ARGS ?= --provider all --records 300
.PHONY: faults

faults:
	ODOO_CONF=$(ODOO_CONF) PY=$(PY) $(PY) -m tests.bench.faults $(FAULTS_ARGS)
