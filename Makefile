# The commands the README shows. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB := $(BIN)/jupyter-book
PYTEST := $(BIN)/python -m pytest
# Where `make student` writes the chapters without their solutions.
STUDENT_DIR ?= _build/student
# Where `make nbgrader` writes the exercises as an nbgrader course.
NBGRADER_DIR ?= _build/nbgrader
# `make publish` pushes to this git remote's gh-pages branch.
REMOTE ?= origin
# A value as one shell word, in single quotes: titles may hold spaces, quotes, ";" or "$$".
# (`$(value TITLE)` keeps a $ in a title from being read as a make variable.)
shell-quote = '$(subst ','\'',$(1))'
# axe-core, the accessibility engine tests/browser/test_a11y.py runs in Chromium: fetched from
# the npm registry at this version, checked against the registry's sha512 (its dist.integrity,
# `npm view axe-core@VERSION dist.integrity`), never committed. Needs node and npm.
AXE_VERSION := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_JS := _build/axe/$(AXE_VERSION)/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help book test test-unit test-notebooks test-browser test-browser-lab test-browser-site lint student nbgrader lab clean bench publish publish-confirmed adapt nbgrader-run pdf test-pdf test-adoption student-branch

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@# The JupyterLab settings Binder gets from postBuild (see jupyterlab-overrides.json)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# nbgrader (for `make nbgrader` and its test) brings JupyterLab and server extensions;
	@# switched off here so `make lab` and the browser tests see what Binder students see.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	for ext in assignment_list course_list formgrader validate_assignment; do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$ext >/dev/null 2>&1; done
	@touch $(STAMP)

book: $(STAMP) ## Build the website into _build/html (executes every notebook)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	@# The log is kept for .ci/run, which ends a failing run with the warnings it holds.
	mkdir -p _build && $(JB) build . -W -n --keep-going 2>&1 | tee _build/book-log.txt
	@echo "Open _build/html/index.html in a browser."

student: $(STAMP) ## Write the student copies (no solutions, no instructors' pages) to _build/student
	rm -rf "$(STUDENT_DIR)"
	$(BIN)/python tools/student.py "$(STUDENT_DIR)"

nbgrader: $(STAMP) ## Write the code exercises as an nbgrader course to _build/nbgrader
	$(BIN)/python tools/nbgrader_course.py --out "$(NBGRADER_DIR)"

nbgrader-run: $(STAMP) ## One nbgrader command in the course of make nbgrader: CMD="autograde 03-chain-rule"
	@test -n "$(CMD)" || { echo 'Say which: make nbgrader-run CMD="generate_assignment 03-chain-rule"'; exit 2; }
	@# nbgrader runs `alembic` from the same environment, so .venv/bin goes first on PATH.
	cd "$(NBGRADER_DIR)" && PATH="$(abspath $(BIN)):$$PATH" "$(abspath $(BIN))/nbgrader" $(CMD)

pdf: $(STAMP) ## Print the book: _build/pdf/student.pdf (no solutions) and _build/pdf/instructor.pdf
	$(BIN)/python tools/pdf.py --out _build/pdf

test-pdf: pdf ## make pdf, then check both PDFs (pages, chapter titles, no raw TeX, no solutions for students, every figure)
	$(PYTEST) tests/pdf -q

test-adoption: $(STAMP) ## In a temporary clone, every change the instructors' pages suggest, tested after each (about 15 minutes)
	$(PYTEST) tests/adoption -q -s

lab: $(STAMP) ## Open the chapters in JupyterLab
	$(BIN)/jupyter lab chapters

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-unit: $(STAMP) ## The package, checker and widget tests
	$(PYTEST) tests/unit -n 2 -q

test-notebooks: $(STAMP) student ## Run every chapter, instructor and student versions, with nbval
	$(PYTEST) --nbval-lax --nbval-current-env -n 2 --dist loadscope -q chapters $(STUDENT_DIR)

test-browser: $(STAMP) $(AXE_JS) ## Check the built site in Chromium and drive the widgets in JupyterLab
	@# Two halves at once, each about 3 minutes on 2 cores: JupyterLab's tests, which share one
	@# server, and the website's. (xdist's loadfile paired JupyterLab's file with another.)
	$(MAKE) --no-print-directory -j2 -O test-browser-lab test-browser-site

test-browser-lab: $(STAMP)
	$(PYTEST) tests/browser/test_lab.py -q

test-browser-site: $(STAMP) $(AXE_JS)
	AXE_JS=$(AXE_JS) $(PYTEST) tests/browser/test_site.py tests/browser/test_a11y.py tests/browser/test_phone.py -q

test: lint ## Run every test (lint, unit, notebooks, book build, browser)
	@# The book build runs its notebooks one by one on one core: the tests share the machine
	@# with it. Output is shown per target when it finishes (-O), so logs do not interleave.
	$(MAKE) --no-print-directory -j3 -O test-unit test-notebooks book
	$(MAKE) --no-print-directory test-browser
	@echo "All tests passed."

.PHONY: axe
axe: $(AXE_JS) ## Fetch axe-core (pinned, hash-checked) for the accessibility test

$(AXE_JS):
	@command -v npm >/dev/null || { echo "npm is missing (apt-get install nodejs npm)"; exit 1; }
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	@got=$$(node -e 'const c = require("crypto"), fs = require("fs"); \
		process.stdout.write("sha512-" + c.createHash("sha512") \
		.update(fs.readFileSync(process.argv[1])).digest("base64"))' $(@D)/axe-core-$(AXE_VERSION).tgz); \
	if [ "$$got" != "$(AXE_INTEGRITY)" ]; then \
		echo "axe-core $(AXE_VERSION): sha512 mismatch (got $$got)"; rm -rf $(@D); exit 1; fi
	tar -xzf $(@D)/axe-core-$(AXE_VERSION).tgz -C $(@D) --strip-components=1 package/axe.min.js
	rm $(@D)/axe-core-$(AXE_VERSION).tgz

bench: $(STAMP) ## Speed comparisons, printed as ratios
	$(BIN)/python benchmarks/epoch.py
	$(BIN)/python benchmarks/scaling.py
	$(BIN)/python benchmarks/time_to_fit.py
	$(BIN)/python benchmarks/trainer_frame.py
	$(BIN)/python benchmarks/peer_sklearn.py
	$(BIN)/python benchmarks/deep.py
	$(BIN)/python benchmarks/autograd.py
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/gradient_cost.py
	$(BIN)/python benchmarks/digits.py

# make adapt's values come from the command line only: an exported BRANCH or TITLE in the shell
# (or a variable of the same name in another Makefile) must not rename the course silently.
from-command-line = $(if $(filter command line,$(origin $(1))),$(value $(1)))

adapt: $(STAMP) ## Name the course yours everywhere: URL=https://github.com/o/r TITLE="..." AUTHORS="A; B" HUB=https://... BRANCH=...
	$(BIN)/python tools/adapt.py \
		--url $(call shell-quote,$(call from-command-line,URL)) \
		--title $(call shell-quote,$(call from-command-line,TITLE)) \
		--authors $(call shell-quote,$(call from-command-line,AUTHORS)) \
		--hub $(call shell-quote,$(call from-command-line,HUB)) \
		--branch $(call shell-quote,$(call from-command-line,BRANCH))

student-branch: student ## Commit the student copies (no solutions, tests or instructors' pages) to the branch `student`
	$(BIN)/python tools/student_branch.py --student-dir "$(STUDENT_DIR)"

publish: $(STAMP) ## Build, then push the site to the gh-pages branch of origin (asks first; YES=1 skips)
	@# publish.py exits 0 to go ahead, 3 when the answer is "n" (nothing to do, not an error).
	@status=0; $(BIN)/python tools/publish.py --remote $(call shell-quote,$(REMOTE)) \
		$(if $(filter 1 y yes true,$(YES)),--yes) || status=$$?; \
	if [ $$status -eq 3 ]; then exit 0; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	$(MAKE) --no-print-directory publish-confirmed

# make publish's second half, once confirmed: build, then push with ghp-import (requirements-dev).
publish-confirmed: book
	$(BIN)/ghp-import -n -p -f -r $(call shell-quote,$(REMOTE)) _build/html
	@echo "Pushed. The site updates within a minute or two (Settings -> Pages: branch gh-pages)."

clean: ## Remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis test-artifacts
