# Two entry points: `make run` (install, ingest corpus/, serve the API and the chat) and
# `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF
LLAMA_VERSION := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_WHEELS := $(HOME)/.cache/policy-assistant/llama-$(shell echo '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)

.PHONY: run test install ingest browser postgres nginx lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The local CPU wheel first, so nothing pulls the multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	# llama.cpp for the generator tests' model server builds from source (about 6 minutes on
	# two cores), for any x86-64 CPU with AVX2: no AVX-512 or AMX code, which some virtual
	# machines refuse at run time (the server dies at its first reply). pip's own wheel cache
	# ignores CMAKE_ARGS and may hold a build for another CPU, so the wheel is built without it
	# into a folder named after the flags, once per machine, and installed from there.
	[ -n "$$(ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl 2>/dev/null)" ] || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-cache-dir --no-deps \
	    --wheel-dir $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(BIN)/pip install --quiet $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/pip install --quiet -e '.[dev,sentence-transformers,evals,postgresql]'
	touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/policy-assistant ingest corpus --prune

run: ingest
	$(BIN)/policy-assistant serve

# The browser test drives Debian's Chromium (no browser is ever downloaded).
browser:
	@command -v chromium >/dev/null || { \
	  apt=apt-get; [ "$$(id -u)" -eq 0 ] || apt="sudo apt-get"; \
	  $$apt install -y -qq chromium >/dev/null 2>&1 || \
	  { $$apt update -qq && $$apt install -y -qq chromium >/dev/null; }; }

# The several-hosts tests start their own PostgreSQL server from Debian's package.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  apt=apt-get; [ "$$(id -u)" -eq 0 ] || apt="sudo apt-get"; \
	  $$apt install -y -qq postgresql >/dev/null 2>&1 || \
	  { $$apt update -qq && $$apt install -y -qq postgresql >/dev/null; }; }

# The root path test puts a real nginx (Debian's nginx-light) in front of the server.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  apt=apt-get; [ "$$(id -u)" -eq 0 ] || apt="sudo apt-get"; \
	  $$apt install -y -qq nginx-light >/dev/null 2>&1 || \
	  { $$apt update -qq && $$apt install -y -qq nginx-light >/dev/null; }; }

# Lint first (style and the architecture's layers), then the suite.
# pytest exits 5 when it collects no tests; that is not a failure.
test: lint browser postgres nginx
	$(BIN)/pytest; status=$$?; [ $$status -eq 5 ] && exit 0; exit $$status

# ruff for style; import-linter checks the layers contract in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m evals ingest-benchmark

clean:
	rm -rf $(VENV) data
