# Winnow. `make run` and `make test` each create .venv if it is missing and
# install the project into it; a stamp file (re-made when pyproject.toml
# changes) keeps them from reinstalling on every call.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Given (make run RAW=/data/raw), these override winnow.toml; left out, the settings file
# (./winnow.toml, if any) or the defaults decide: raw, clean, every 15 minutes.
RAW ?=
OUT ?=
CRON ?=
FOLDERS = $(if $(RAW),--raw $(RAW)) $(if $(OUT),--out $(OUT))
SCHEDULE = $(if $(CRON),--cron "$(CRON)")

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: run test dask-test parity mutate fuzz lint bench serve native clean-venv

run: $(STAMP) native
	$(VENV)/bin/winnow run $(FOLDERS)

test: $(DEV_STAMP) native
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	WINNOW_RULE_COVERAGE=1 $(VENV)/bin/pytest -n auto

# Compiled and pure builds give the same records on every dev page (make test compares
# them on every 8th page; CI runs this too, with ../shared beside the checkout)
parity: $(DEV_STAMP) native
	WINNOW_PARITY=all $(VENV)/bin/pytest -q tests/test_native.py -k "same_records"

# Mutation testing ([tool.mutmut] in pyproject.toml names the modules): mutants/ is
# mutmut's work folder; bench/mutation_results.json keeps each module's last figures and
# bench/mutation.md's table (the killed share per module, every survivor) is written from it:
# each module of [tool.mutmut] source_paths mutated alone, against its own tests
# ([tool.winnow.mutation_tests]); a stopped run skips the modules it finished; MUTATE_ARGS=--fresh
# runs every module again, MUTATE_ARGS="--only flows/writer.py" one module
mutate: $(DEV_STAMP)
	$(VENV_PY) tools/mutate.py --max-children $$(nproc) $(MUTATE_ARGS)
	$(VENV_PY) tools/mutation_report.py

# --dask-address against a real cluster: a `dask scheduler` and two `dask worker`
# processes on 127.0.0.1 run a backfill of a WARC file (tests/test_dask_cluster.py,
# ~2 min; left out of `make test`, run by .ci/run after it)
dask-test: $(DEV_STAMP) native
	$(VENV)/bin/pytest -m dask_cluster tests/test_dask_cluster.py

# The text path compiled by mypyc into build/native/ (cleaners/native.py): rebuilt when
# its sources changed since the last build, a no-op otherwise. Where it cannot be built
# (no C compiler), Winnow runs the same modules as Python; WINNOW_NATIVE_STRICT=1 (CI)
# makes that a failure instead.
native: $(STAMP)
	$(VENV_PY) tools/build_native.py

# clean_page over 10,000 random and 10,000 mutated pages (tests/test_fuzz.py); make test
# runs the same tests with a bounded number of examples
fuzz: $(DEV_STAMP) native
	WINNOW_FUZZ=fuzz $(VENV)/bin/pytest -q tests/test_fuzz.py --hypothesis-show-statistics

bench: $(DEV_STAMP) native
	$(VENV_PY) bench/run_bench.py

# Scheduled runs: the clean_pages deployment on CRON, served until Ctrl-C. Prefect
# schedules only on a real server: with PREFECT_API_URL set, that one is used;
# otherwise a `prefect server start` on 127.0.0.1 (a free port) runs beside it and
# stops with it.
serve: $(STAMP)
ifdef PREFECT_API_URL
	$(VENV)/bin/winnow serve $(SCHEDULE) $(FOLDERS)
else
	$(VENV_PY) -m flows.local_server -- $(VENV)/bin/winnow serve $(SCHEDULE) $(FOLDERS)
endif

$(VENV_PY):
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip --version >/dev/null 2>&1 || $(VENV_PY) -m ensurepip --upgrade
	# The pip bundled with Python 3.11 (23.x) fails to resolve lxml[html-clean]
	# required twice (AssertionError "Candidate is not for this requirement").
	$(VENV_PY) -m pip install --quiet --upgrade 'pip>=24'

$(STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install -e '.[native]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV_PY)
	$(VENV_PY) -m pip install -e '.[dev,native]'
	touch $@ $(STAMP)

clean-venv:
	rm -rf $(VENV) build/native
