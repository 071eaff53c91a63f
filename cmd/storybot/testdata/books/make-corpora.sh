#!/bin/sh
# make-corpora.sh SHARED OUT: makes the corpora of the book sets of this
# folder from ../shared (Gutenberg books whole or in part, books of the
# King James Bible from kjv-verses.tsv, a "CHAPTER N" heading a chapter and
# a verse a paragraph), one folder each under OUT, named as the set.
# Score a set with: storybot eval --corpus OUT/NAME NAME.jsonl
set -eu
shared=${1:?usage: make-corpora.sh SHARED OUT}
out=${2:?usage: make-corpora.sh SHARED OUT}
g=$shared/corpora/gutenberg
kjv() { # NAME BOOK TITLE
	mkdir -p "$out/$1"
	awk -F '\t' -v book="$2" -v title="$3" '
		BEGIN { printf "%s\n\nKing James Version\n\n", title }
		$1 == book { if ($2 != ch) { ch = $2; printf "\nCHAPTER %s\n\n", ch } printf "%s\n\n", $4 }
	' "$shared/corpora/kjv/kjv-verses.tsv" > "$out/$1/$(echo "$2" | tr 'A-Z' 'a-z').txt"
}
whole() { mkdir -p "$out/$1" && cp "$g/$2" "$out/$1/"; }
lines() { mkdir -p "$out/$1" && sed -n "$3,$4p" "$g/$2" > "$out/$1/$5"; }
kjv judges13 Judges "The Book of Judges"
whole junglebook13 pg236.txt
whole pride13 pg1342.txt
kjv joshua14 Joshua "The Book of Joshua"
kjv mark14 Mark "The Gospel According to Saint Mark"
kjv esther14 Esther "The Book of Esther"
lines rikki15 pg236.txt 3257 3910 rikki.txt
lines redheaded15 pg1661.txt 1129 2236 redheaded.txt
whole peterpan15 pg16.txt
lines scandal16 pg1661.txt 1 1127 scandal.txt
kjv daniel16 Daniel "The Book of Daniel"
whole alice16 pg11.txt
whole dorian17 pg174.txt
whole mobydick17 pg2701.txt
whole dracula17 pg345.txt
kjv acts18 Acts "The Acts of the Apostles"
lines holmes18 pg1661.txt 6171 8357 holmes.txt
whole pride18 pg1342.txt
kjv luke19 Luke "The Gospel According to Saint Luke"
lines holmes19 pg1661.txt 4170 6170 holmes.txt
whole junglebook19 pg236.txt
lines holmes20 pg1661.txt 8358 10350 holmes.txt
kjv john20 John "The Gospel According to Saint John"
