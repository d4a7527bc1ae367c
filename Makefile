# Two entry points do all the set-up: `make demo` and `make test`.
# Each creates .venv on first use (torch pinned to the CPU wheel by constraints.txt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Offline in this workplace: use ../shared/datasets when it is there, unless ZOO_DATA_DIR is set.
ZOO_DATA_DIR ?= $(if $(wildcard ../shared/datasets),$(abspath ../shared/datasets),)
export ZOO_DATA_DIR

.PHONY: venv demo test bench slow clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[all,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/zoo run applications/mnist_lenet5_demo.toml

test: $(STAMP)
	$(PY) scripts/test_backends.py $(PYTEST_ARGS)

# The zoo's default path on every backend next to a native PyTorch loop, plus the matmul peak
# (benchmarks/native_torch.py, with torch.compile: ~7 minutes on 2 cores; BENCH_ARGS="--no-compile" skips it).
bench: $(STAMP)
	$(PY) benchmarks/native_torch.py $(BENCH_ARGS)

# Long trainings and end-to-end runs kept out of CI.
slow: $(STAMP)
	$(PY) -m pytest -m "slow or bench" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) runs .pytest_cache
