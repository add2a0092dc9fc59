#!/usr/bin/env bash
# Render an exported workbook the way a reader sees it: LibreOffice (headless) → PDF,
# poppler → one PNG per page. Acceptance check of the Excel export (issue 6); not part
# of the test suite. Needs: apt-get install -y libreoffice-calc poppler-utils
# fonts-noto-cjk (without a CJK font the Chinese text prints as boxes).
#
# usage: scripts/render_workbook.sh WORKBOOK.xlsx [OUT_DIR] [DPI]
#   OUT_DIR (default out/render) receives WORKBOOK.pdf and WORKBOOK-N.png.
set -euo pipefail
book=${1:?usage: scripts/render_workbook.sh WORKBOOK.xlsx [OUT_DIR] [DPI]}
out=${2:-out/render}
dpi=${3:-70}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y libreoffice-calc poppler-utils)" >&2; exit 1; }
done
fc-list :lang=zh | grep -q . || echo "warning: no CJK font (apt-get install -y fonts-noto-cjk)" >&2
mkdir -p "$out"
stem=$(basename "${book%.*}")
# A private profile: a concurrent or crashed LibreOffice cannot block the conversion.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf --outdir "$out" "$book" >&2
pdftoppm -png -r "$dpi" "$out/$stem.pdf" "$out/$stem"
echo "$out/$stem.pdf: $(pdfinfo "$out/$stem.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages" >&2
ls "$out/$stem"-*.png
