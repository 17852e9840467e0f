# Enlace: the two commands of the README, and a few more for developers.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: demo test deps build bench schema install package clean screenshots

## Runs Enlace on an embedded default: a central server and four department nodes as real
## processes on loopback, SQLite files in a temporary folder, and a report in Spanish.
demo: deps
	$(SWIFT) build --product enlace
	$$($(SWIFT) build --show-bin-path)/enlace demo

## Builds and runs every test (unit, property and end-to-end; the store contract on SQLite and
## on a throwaway PostgreSQL cluster), runs the central end-to-end suites again with their
## central servers on PostgreSQL, checks the systemd units, audits the central server's TLS
## with testssl.sh, fuzzes both HTTP APIs against openapi/ with schemathesis, and drives the
## office desk in headless Chromium, checks the alert rules with promtool, then builds the
## Debian package (release, lintian) and tests it as installed.
test: deps
	scripts/with-postgres.sh $(SWIFT) test
	ENLACE_CENTRAL_STORE=postgresql scripts/with-postgres.sh $(SWIFT) test --skip-build --filter 'EnlaceCentralTests|EnlaceSyncTests' --skip PostgresCentralTests
	scripts/check-units.sh
	scripts/check-alerts.sh
	scripts/check-links.py
	scripts/tls-audit.sh
	scripts/schemathesis.sh
	scripts/browser-tests.sh
	scripts/package.sh
	scripts/package-test.sh

## Refreshes the desk's and the ventanilla's screenshots in docs/screenshots/ (the browser tests, kept).
screenshots: deps
	$(SWIFT) build --product enlace
	SCREENSHOTS=docs/screenshots scripts/browser-tests.sh

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

## Builds .build/package/enlace_VERSION_ARCH.deb (release, Swift runtime linked statically)
## and checks it with lintian.
package: deps
	scripts/package.sh

## Installs from source: the binary, units, example configuration and the service user, in
## the package's layout under PREFIX (as root).
install:
	PREFIX=$(PREFIX) scripts/install.sh

schema: build
	$$($(SWIFT) build --show-bin-path)/enlace schema

clean:
	rm -rf .build
