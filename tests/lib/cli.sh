# Sourced by the CLI tests: a fresh database in a temporary folder, an
# administrator, and `sd`, `as_admin`, `as` helpers that run the binary
# under test the way a script at the desk would.
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

SD=${SALEDESK_BIN:?SALEDESK_BIN is not set}
work=$(mktemp -d /tmp/saledesk-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SALEDESK_DB=$work/desk.db
export HOME=$work/home
unset SALEDESK_CONFIG SALEDESK_OPERATOR
mkdir -p "$HOME"
ADMIN_PW='admin-pass-1'

sd() { "$SD" "$@"; }

# as LOGIN PASSWORD ARGS...: runs a command logged in as LOGIN.
as() { local who=$1 pw=$2; shift 2; "$SD" "$@" --operator "$who" --password-fd 3 3<<<"$pw"; }

as_admin() { as admin "$ADMIN_PW" "$@"; }

init_desk() {
	"$SD" init --admin admin --name "Admin One" --site "Test Campus" --password-fd 3 \
		3<<<"$ADMIN_PW" >/dev/null
}
