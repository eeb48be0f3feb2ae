# Developer entry points. Recipes run in bash with -e/pipefail so a failing
# step (including a failing `dev-db.sh start` in a pipeline) stops the target.
SHELL := /bin/bash
.SHELLFLAGS := -e -o pipefail -c
.DEFAULT_GOAL := build

DOTNET ?= dotnet
CONFIG ?= etc/dialer.json
DIALER = $(DOTNET) src/Dialer.Host/bin/Debug/net10.0/dialer.dll
# `make run` serves the Release build, as the benchmarks do (README "Benchmarks"): same code generation and the same
# runtime settings (server GC, thread-pool spin limit) as the figures there.
RELEASE_DIR = var/release
RUN_DIALER = $(DOTNET) $(RELEASE_DIR)/dialer.dll
RELEASE_BUILD = $(DOTNET) build src/Dialer.Host -c Release -nologo -o $(RELEASE_DIR)
DB = bash etc/dev-db.sh

# Admin API token for local runs only; override for anything shared.
DIALER_ADMIN_TOKEN ?= dev-admin-token
export DIALER_ADMIN_TOKEN

.PHONY: build release db db-stop migrate run test clean dialer dist install

# `make dist`: var/dist/dialer-VERSION-linux-x64.tar.gz, a self-contained linux-x64 publish (no .NET needed on
# the target) with etc/ (dialer.json, systemd unit, bash completion) and sql/. SELF_CONTAINED=false makes a
# framework-dependent one (needs the ASP.NET Core 10 runtime on the target). The publish has its own obj/bin under
# var/dist/artifacts, so it never disturbs the Debug build the tests use.
VERSION ?= $(shell git describe --tags --always 2>/dev/null || echo 0.0.0)
RID ?= linux-x64
SELF_CONTAINED ?= true
DIST_VERBOSITY ?= minimal
DIST_NAME = dialer-$(VERSION)-$(RID)
DIST_DIR = var/dist/$(DIST_NAME)
# `make install`: PREFIX/lib/dialer + PREFIX/bin/dialer, /etc/dialer/dialer.json (kept when present),
# /var/lib/dialer for state, the systemd unit; DESTDIR stages it all under another root (packaging, tests).
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc/dialer
STATEDIR ?= /var/lib/dialer
UNITDIR ?= /lib/systemd/system

build:
	$(DOTNET) build Dialer.sln -nologo -v minimal

release:
	$(RELEASE_BUILD) -v minimal

# Private MariaDB (see etc/dev-db.conf); `start` is idempotent and its last
# stdout line is the connection string.
db:
	$(DB) start

db-stop:
	$(DB) stop

migrate: build db
	Dialer__Database__ConnectionString="$$( $(DB) start | tail -n1 )" $(DIALER) migrate --config $(CONFIG)

# One shell so the exported connection string reaches every step; exec so
# Ctrl-C goes straight to the server.
run: release
	cs="$$( $(DB) start | tail -n1 )"; \
	export Dialer__Database__ConnectionString="$$cs"; \
	$(RUN_DIALER) migrate --config $(CONFIG); \
	$(RUN_DIALER) demo load --config $(CONFIG); \
	bash etc/demo-carriers.sh start; \
	trap 'bash etc/demo-carriers.sh stop' EXIT; \
	echo "Admin API: http://127.0.0.1:8080  token: $$DIALER_ADMIN_TOKEN"; \
	echo "Web console: http://127.0.0.1:8080/admin/  (sign in with the token above)"; \
	echo "  try: curl -H \"Authorization: Bearer $$DIALER_ADMIN_TOKEN\" http://127.0.0.1:8080/api/trunks"; \
	echo "  health: make dialer ARGS='health report'  (stop a carrier: bash etc/demo-carriers.sh stop 5081)"; \
	$(RUN_DIALER) serve --config $(CONFIG)

# Any CLI verb against the private MariaDB, beside a running `make run`: make dialer ARGS='health report'
# (the build `make run` serves, brought up to date quietly).
dialer:
	@out="$$( $(RELEASE_BUILD) -v quiet 2>&1 )" || { echo "$$out"; exit 1; }
	@cs="$$( $(DB) start 2>/dev/null | tail -n1 )"; \
	Dialer__Database__ConnectionString="$$cs" $(RUN_DIALER) $(ARGS) --config $(CONFIG)

# Tests get the server via DIALER_TEST_DB and create/drop their own databases.
# One TRX per test project, named after it (timestamped names can collide).
# Every project runs even when one fails; the target fails if any did.
TEST_PROJECTS = $(wildcard tests/*.Tests/*.Tests.csproj)
test: db
	bash etc/test-deps.sh
	rm -rf TestResults $(RELEASE_DIR)
	$(DOTNET) build Dialer.sln -nologo -v minimal
	export DIALER_TEST_DB="$$( $(DB) start | tail -n1 )"; rc=0; \
	for project in $(TEST_PROJECTS); do \
	  name=$$(basename $$project .csproj); \
	  $(DOTNET) test $$project --no-build -nologo --logger "trx;LogFileName=$$name.trx" --results-directory TestResults || rc=1; \
	done; \
	exit $$rc

clean:
	find src tests -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
	rm -rf TestResults $(RELEASE_DIR)

dist:
	rm -rf $(DIST_DIR) $(DIST_DIR).tar.gz
	# `make dist VERSION=x` exports VERSION, which MSBuild would take as the package Version (and fail to restore on a
	# non-SemVer value such as a commit hash): the tarball's name carries it, the publish does not.
	env -u VERSION $(DOTNET) publish src/Dialer.Host -nologo -v $(DIST_VERBOSITY) -c Release -r $(RID) --self-contained $(SELF_CONTAINED) \
	  --artifacts-path var/dist/artifacts -o $(DIST_DIR)
	mkdir -p $(DIST_DIR)/etc $(DIST_DIR)/sql
	cp etc/dialer.json etc/dialer.service etc/dialer.bash-completion $(DIST_DIR)/etc/
	cp sql/*.sql $(DIST_DIR)/sql/
	cp README.md $(DIST_DIR)/
	tar -C var/dist -czf $(DIST_DIR).tar.gz $(DIST_NAME)
	@echo "$(DIST_DIR).tar.gz"

# From a `make dist` tree (built when missing). The config file is written only when absent, with the key file
# pointed at STATEDIR; the `dialer` system user is created when installing to the real root as root.
install:
	[ -x $(DIST_DIR)/dialer ] || $(MAKE) dist
	install -d $(DESTDIR)$(PREFIX)/lib/dialer $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(STATEDIR) \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	rm -rf $(DESTDIR)$(PREFIX)/lib/dialer/*
	cp -R $(DIST_DIR)/. $(DESTDIR)$(PREFIX)/lib/dialer/
	# The installed config lives in SYSCONFDIR, not beside the binary.
	rm -f $(DESTDIR)$(PREFIX)/lib/dialer/etc/dialer.json
	ln -sfn $(PREFIX)/lib/dialer/dialer $(DESTDIR)$(PREFIX)/bin/dialer
	if [ ! -e $(DESTDIR)$(SYSCONFDIR)/dialer.json ]; then \
	  sed 's|"KeyFile": "[^"]*"|"KeyFile": "$(STATEDIR)/secrets.key"|' etc/dialer.json > $(DESTDIR)$(SYSCONFDIR)/dialer.json; \
	  chmod 640 $(DESTDIR)$(SYSCONFDIR)/dialer.json; \
	else echo "$(DESTDIR)$(SYSCONFDIR)/dialer.json exists: left as it is"; fi
	sed -e 's|/usr/local|$(PREFIX)|g' -e 's|/etc/dialer|$(SYSCONFDIR)|g' -e 's|/var/lib/dialer|$(STATEDIR)|g' \
	  etc/dialer.service > $(DESTDIR)$(UNITDIR)/dialer.service
	install -m 644 etc/dialer.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/dialer
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	  id dialer >/dev/null 2>&1 || useradd --system --home-dir $(STATEDIR) --shell /usr/sbin/nologin dialer; \
	  chown dialer:dialer $(STATEDIR); chmod 750 $(STATEDIR); chgrp dialer $(SYSCONFDIR)/dialer.json; \
	  command -v systemctl >/dev/null && systemctl daemon-reload || true; \
	  echo "installed: put the connection string and DIALER_ADMIN_TOKEN in $(SYSCONFDIR)/dialer.env, then systemctl enable --now dialer"; \
	fi
