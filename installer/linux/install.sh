#!/bin/sh
# Install, upgrade or remove InsideOut on a Linux laptop. Run as root from the unpacked
# tarball (docs/INSTALL.md):
#   sudo ./install.sh [--prefix /opt/insideout] [--server-url https://sync.example.org]
#   sudo ./install.sh --uninstall [--wipe-data]
# --destdir D puts every path under D (for packaging and the installer tests).
set -eu

prefix=/opt/insideout
destdir=
server_url=
action=install
wipe_data=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    --server-url) server_url=$2; shift 2 ;;
    --uninstall) action=uninstall; shift ;;
    --wipe-data) wipe_data=yes; shift ;;
    *) echo "unknown option: $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

# Laptops send passwords and keys to this address: https://, or plain http:// only to this
# machine (127.x.x.x, localhost, [::1]). The app refuses anything else; refuse it here too,
# before anything is installed, where IT can still fix it.
if [ -n "$server_url" ] && ! printf '%s' "$server_url" | grep -Eiq \
    '^(https://[^/]+(/.*)?|http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])([:/].*)?)$'; then
  echo "refusing --server-url $server_url: it must start with https:// (plain http:// would" \
    "send passwords and keys unencrypted). Ask IT for the https:// address." >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
app="$destdir$prefix"
share="$destdir/usr/share"
desktop="$share/applications/insideout.desktop"
svg_icon="$share/icons/hicolor/scalable/apps/insideout.svg"
png_icon="$share/icons/hicolor/256x256/apps/insideout.png"
cli_link="$destdir/usr/local/bin/insideout-cli"

remove_program() {
  rm -rf "$app"
  rm -f "$desktop" "$svg_icon" "$png_icon" "$cli_link"
}

# Each account keeps its own ~/.local/share/InsideOut; wiping a laptop visits them all.
wipe_every_users_data() {
  for home in "$destdir"/home/* "$destdir/root"; do
    [ -d "$home/.local/share/InsideOut" ] && rm -rf "$home/.local/share/InsideOut" \
      && echo "wiped $home/.local/share/InsideOut"
  done
  return 0
}

if [ "$action" = uninstall ]; then
  remove_program
  [ "$wipe_data" = yes ] && wipe_every_users_data
  echo "InsideOut removed from $app"
  exit 0
fi

# An upgrade keeps IT's defaults unless a new --server-url is given.
kept_defaults=
if [ -f "$app/insideout-defaults.json" ]; then
  kept_defaults=$(cat "$app/insideout-defaults.json")
fi
remove_program
mkdir -p "$app" "$(dirname "$desktop")" "$(dirname "$svg_icon")" "$(dirname "$png_icon")" \
  "$(dirname "$cli_link")"
cp -a "$here/InsideOut" "$here/insideout-cli" "$here/_internal" "$here/insideout.svg" \
  "$here/insideout.png" "$app/"
if [ -n "$server_url" ]; then
  # JSON-escape backslashes and quotes; a URL should have neither, but be safe.
  escaped=$(printf '%s' "$server_url" | sed 's/\\/\\\\/g; s/"/\\"/g')
  printf '{"server_url": "%s"}\n' "$escaped" > "$app/insideout-defaults.json"
elif [ -n "$kept_defaults" ]; then
  printf '%s\n' "$kept_defaults" > "$app/insideout-defaults.json"
fi
sed "s|/opt/insideout|$prefix|g" "$here/insideout.desktop" > "$desktop"
cp "$here/insideout.svg" "$svg_icon"
cp "$here/insideout.png" "$png_icon"
ln -sf "$prefix/insideout-cli" "$cli_link"
chmod -R go-w "$app"
echo "InsideOut installed in $app; check it with: $prefix/insideout-cli self-test"
