# Enlace: the two commands of the README, and a few more for developers.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: demo test deps build bench schema install clean screenshots

## Runs Enlace on an embedded default: a central server and four department nodes as real
## processes on loopback, SQLite files in a temporary folder, and a report in Spanish.
demo: deps
	$(SWIFT) build --product enlace
	$$($(SWIFT) build --show-bin-path)/enlace demo

## Builds and runs every test (unit, property and end-to-end; the store contract on SQLite and
## on a throwaway PostgreSQL cluster), runs the central end-to-end suites again with their
## central servers on PostgreSQL, checks the systemd units, audits the central server's TLS
## with testssl.sh, fuzzes both HTTP APIs against openapi/ with schemathesis, and drives the
## office desk in headless Chromium.
test: deps
	scripts/with-postgres.sh $(SWIFT) test
	ENLACE_CENTRAL_STORE=postgresql scripts/with-postgres.sh $(SWIFT) test --skip-build --filter 'EnlaceCentralTests|EnlaceSyncTests' --skip PostgresCentralTests
	scripts/check-units.sh
	scripts/tls-audit.sh
	scripts/schemathesis.sh
	scripts/desk-browser.sh

## Refreshes the desk's screenshots in docs/screenshots/ (the browser test, kept).
screenshots: deps
	$(SWIFT) build --product enlace
	DESK_SCREENSHOTS=docs/screenshots scripts/desk-browser.sh

## Installs the missing Debian packages (libcurl, SQLite headers).
deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

## Prints sync figures beside their SQLite floors (real processes), then the merge core's
## (release build of every product: the sync benchmark starts `enlace`).
bench: deps
	$(SWIFT) build -c release
	$$($(SWIFT) build -c release --show-bin-path)/enlace-bench sync
	scripts/with-postgres.sh $$($(SWIFT) build -c release --show-bin-path)/enlace-bench postgres
	$$($(SWIFT) build -c release --show-bin-path)/enlace-bench merge

## Installs the binary, units, example configuration and the service user (as root).
install:
	PREFIX=$(PREFIX) scripts/install.sh

schema: build
	$$($(SWIFT) build --show-bin-path)/enlace schema

clean:
	rm -rf .build
