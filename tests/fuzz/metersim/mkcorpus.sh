#!/usr/bin/env bash
# Writes the seed corpus (well-formed requests of every kind the map
# accepts, plus a few near misses). Needs tests/sim/metersim/metersim for
# nothing: the CRC is computed here.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus
crc() { # hex bytes -> same bytes with the Modbus CRC appended
	local crc=65535 b i
	for b in "$@"; do
		crc=$((crc ^ 16#$b))
		for ((i = 0; i < 8; i++)); do
			if ((crc & 1)); then crc=$(((crc >> 1) ^ 0xA001)); else crc=$((crc >> 1)); fi
		done
	done
	printf '%s ' "$@"
	printf '%02x %02x\n' $((crc & 255)) $((crc >> 8))
}
seed() { # seed NAME MODE CHUNK HEX...
	local name=$1
	shift
	printf "$(printf '\\x%s' "$@")" >"corpus/$name"
}
seed rtu-read-live 00 40 $(crc 01 03 00 00 00 44)
seed rtu-read-freeze 06 08 $(crc 04 03 04 00 00 60)
seed rtu-read-input 00 40 $(crc 01 04 02 00 00 0c)
seed rtu-relay-open 00 40 $(crc 01 06 03 00 00 1a)
seed rtu-keep-power 00 03 $(crc 04 06 03 00 00 3a)
seed rtu-prices 00 40 $(crc 01 10 01 0c 00 08 10 00 00 23 28 00 00 1f 40 00 00 17 70 00 00 0b b8)
seed rtu-tou 00 40 $(crc 01 10 01 14 00 05 0a 00 02 00 00 00 04 01 e0 00 03)
seed rtu-recharge 00 40 $(crc 01 10 03 10 00 08 10 00 00 00 01 00 00 07 d0 68 80 8d 2e 28 ea b1 d6)
seed rtu-clock-broadcast 00 40 $(crc 00 10 03 20 00 02 04 6b 0e 3e 80)
seed rtu-unknown-fc 00 40 $(crc 01 2b 0e 01 00)
seed rtu-two-frames 00 05 $(crc 02 03 00 19 00 07) $(crc 01 03 00 1e 00 02)
seed rtu-bad-crc 00 40 01 03 00 00 00 02 00 00
seed tcp-read 01 00 00 01 00 00 00 06 01 03 00 00 00 32
seed tcp-write 01 00 00 02 00 00 00 06 03 06 03 00 00 1c
seed tcp-absent 01 00 00 03 00 00 00 06 09 03 00 00 00 01
