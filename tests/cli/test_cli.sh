#!/usr/bin/env bash
# The command line itself: help for every command, exit codes.
. "$(dirname "$0")/../lib/cli.sh"

expect_rc 0 "saledesk --help lists the commands" sd --help
contains "$out" "account open" "...account open among them"
expect_rc 2 "no command is a usage error" sd
expect_rc 2 "an unknown command is a usage error" sd frobnicate
contains "$err" 'unknown command "frobnicate"' "...naming it"
expect_rc 2 "a group without its subcommand lists the subcommands" sd operator
contains "$err" "operator add" "...operator add among them"
expect_rc 0 "a group's --help lists its subcommands" sd tariff --help
contains "$out" "tariff show" "...tariff show among them"
expect_rc 0 "--version prints the version" sd --version
contains "$out" "saledesk " "...with the program's name"
# Every command of the overview has a --help that exits 0 and shows usage.
while read -r name; do
	expect_rc 0 "saledesk $name --help" sd $name --help
	contains "$out" "Usage: saledesk $name" "...shows its usage"
done < <("$SD" --help | sed -n 's/^  \([a-z]*\( [a-z]*\)\?\)  .*/\1/p' | sed 's/ *$//')
expect_rc 2 "an unknown option is a usage error" sd account list --colour
contains "$err" "unknown option --colour" "...naming it"
expect_rc 2 "a missing option value is a usage error" sd account list --building
expect_rc 2 "an extra argument is a usage error" sd account show 1 2
expect_rc 2 "a bad --format is a usage error" sd account list --format xml
contains "$err" "use table, tsv or csv" "...listing the formats"
expect_rc 2 "a repeated single option is a usage error" sd account list --building A --building B
tap_done
