# shellcheck shell=bash disable=SC2154
# Sourced by tests/demo/demo.sh off a terminal: the sample campus shown
# through the command line.
say "Tariffs" "tariff list"
cashier tariff list
say "The first accounts of building 1" "account list --building 1号楼 --limit 8"
cashier account list --building 1号楼 --limit 8
say "Search as a cashier would: part of a name" "account search 便利店 --limit 5"
cashier account search 便利店 --limit 5
say "One account" "account show 00000401"
cashier account show 00000401
say "What 120 kWh in November costs a shop" "tariff cost SHOP --kwh 120 --from 2026-11-01 --to 2026-12-01"
cashier tariff cost SHOP --kwh 120 --from 2026-11-01 --to 2026-12-01
say "What 100 yuan buys on the tiered tariff after 150 kWh this month" "tariff energy TIER --amount 100 --month-used 150"
cashier tariff energy TIER --amount 100 --month-used 150
say "Operators" "operator list"
admin operator list
say "The audit trail is intact" "audit verify"
admin audit verify

cat <<DONE

The sample campus is in $demo/saledesk.db ($("$SD" account list --format tsv --operator li --password-fd 3 3<<<"$CASHIER_PW" | tail -n +2 | wc -l) accounts).
Operators and their passwords, generated for this demo only: $demo/passwords.txt
Try it yourself:
  export SALEDESK_DB=$demo/saledesk.db
  ./saledesk account search 301 --operator li
  ./saledesk --help
Run make demo in a terminal to open the counter UI on a simulated card
reader and meters instead of this tour.

DONE
