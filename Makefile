# Developer entry points. Recipes run in bash with -e/pipefail so a failing
# step (including a failing `dev-db.sh start` in a pipeline) stops the target.
SHELL := /bin/bash
.SHELLFLAGS := -e -o pipefail -c
.DEFAULT_GOAL := build

DOTNET ?= dotnet
CONFIG ?= etc/dialer.json
DIALER = $(DOTNET) src/Dialer.Host/bin/Debug/net10.0/dialer.dll
DB = bash etc/dev-db.sh

# Admin API token for local runs only; override for anything shared.
DIALER_ADMIN_TOKEN ?= dev-admin-token
export DIALER_ADMIN_TOKEN

.PHONY: build db db-stop migrate run test clean dialer

build:
	$(DOTNET) build Dialer.sln -nologo -v minimal

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
run: build
	cs="$$( $(DB) start | tail -n1 )"; \
	export Dialer__Database__ConnectionString="$$cs"; \
	$(DIALER) migrate --config $(CONFIG); \
	$(DIALER) demo load --config $(CONFIG); \
	bash etc/demo-carriers.sh start; \
	trap 'bash etc/demo-carriers.sh stop' EXIT; \
	echo "Admin API: http://127.0.0.1:8080  token: $$DIALER_ADMIN_TOKEN"; \
	echo "Web console: http://127.0.0.1:8080/admin/  (sign in with the token above)"; \
	echo "  try: curl -H \"Authorization: Bearer $$DIALER_ADMIN_TOKEN\" http://127.0.0.1:8080/api/trunks"; \
	echo "  health: make dialer ARGS='health report'  (stop a carrier: bash etc/demo-carriers.sh stop 5081)"; \
	$(DIALER) serve --config $(CONFIG)

# Any CLI verb against the private MariaDB, beside a running `make run`: make dialer ARGS='health report'
dialer:
	@cs="$$( $(DB) start 2>/dev/null | tail -n1 )"; \
	Dialer__Database__ConnectionString="$$cs" $(DIALER) $(ARGS) --config $(CONFIG)

# Tests get the server via DIALER_TEST_DB and create/drop their own databases.
# One TRX per test project, named after it (timestamped names can collide).
# Every project runs even when one fails; the target fails if any did.
TEST_PROJECTS = $(wildcard tests/*.Tests/*.Tests.csproj)
test: db
	bash etc/test-deps.sh
	rm -rf TestResults
	$(DOTNET) build Dialer.sln -nologo -v minimal
	export DIALER_TEST_DB="$$( $(DB) start | tail -n1 )"; rc=0; \
	for project in $(TEST_PROJECTS); do \
	  name=$$(basename $$project .csproj); \
	  $(DOTNET) test $$project --no-build -nologo --logger "trx;LogFileName=$$name.trx" --results-directory TestResults || rc=1; \
	done; \
	exit $$rc

clean:
	find src tests -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
	rm -rf TestResults
