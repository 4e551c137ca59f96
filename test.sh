#!/usr/bin/env bash
# Runs every test: installs what the tests need on this machine, builds, runs, and ends with
# "N passed, N failed". Safe to run on a fresh clone; CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK 10 is required (dotnet not found on PATH)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="artifacts/test-results"
rm -rf "$results"

# npm and python3: the first build converts the BlazePose person models from their npm package
# (models/install-pose.sh), and Azurite below comes from npm too.
missing=()
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update && apt-get install -y "${missing[@]}"
fi

# Azurite (the Azure Blob Storage emulator, npm, MIT) for the blob-store tests; kept under artifacts/tools
# between runs. The tests start it themselves, on 127.0.0.1 and a free port.
azurite_version="3.37.0"
if [ "$(node -p "require('./artifacts/tools/node_modules/azurite/package.json').version" 2>/dev/null)" != "$azurite_version" ]; then
  mkdir -p artifacts/tools
  npm install --prefix artifacts/tools --no-audit --no-fund --loglevel=error "azurite@$azurite_version"
fi

# PostgreSQL server binaries for the cluster-storage tests, which start throwaway clusters of their own (initdb in a
# temporary folder, 127.0.0.1, a free port). Installed only when missing; the package's default cluster is not
# created, so nothing is started here.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-common
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

# Debian's Chromium for the browser tests (Playwright drives it; Playwright's own browser download is never used).
# Installed only when missing; the tests find it through TRYON_CHROMIUM, and under CI they fail rather than skip.
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
export TRYON_CHROMIUM="$(command -v chromium)"

if ! dotnet restore TryOn.sln || ! dotnet build TryOn.sln -c Release --no-restore; then
  echo "The build failed; no test ran." >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The GPU flavour (ONNX Runtime with CUDA; docs/deployment.md) must keep building: restored and built once, into its
# own folder, for both hosts that run models. It is not run here: CI has no GPU.
for host in src/Api/TryOn.Api.csproj src/Silo/TryOn.Silo.csproj; do
  if ! dotnet build "$host" -c Release -p:OnnxRuntimeFlavor=gpu --artifacts-path artifacts/gpu; then
    echo "The GPU build of $host (-p:OnnxRuntimeFlavor=gpu) failed; no test ran." >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
done

status=0
dotnet test tests/TryOn.Tests/TryOn.Tests.csproj -c Release --no-build \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?

# One summary line from the run's TRX file, whatever the runner printed before it.
trx="$results/results.trx"
if [ -f "$trx" ]; then
  passed=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
  failed=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
  # Skipped tests are not in the counters; they are the results whose outcome is NotExecuted.
  skipped=$(grep -c 'outcome="NotExecuted"' "$trx" || true)
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
else
  echo "0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
