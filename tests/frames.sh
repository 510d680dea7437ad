# Reading what the player drew, for the scripts that check its frames
# (player_screens, player_x11, player_ward_day): one copy of each helper.
# Sourced after tests/lib.sh.

# "WxH" of a PNG, from its IHDR chunk
png_size() {
    od -An -tu1 -j16 -N8 "$1" 2>/dev/null |
        awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'
}

# the text runs a --boxes dump (X.boxes beside X.png) says the frame drew,
# one a line; nothing when the dump is missing
box_texts() { awk -F'\t' '/^text /{ print $2 }' "$1" 2>/dev/null; }

# the frame drew a text run holding WORDS: box_has X.boxes WORDS
box_has() { box_texts "$1" | grep -qF -- "$2"; }

# the frame's « Page N sur M », empty when it shows none
box_page() { box_texts "$1" | grep -E '^Page [0-9]+ sur [0-9]+$' | head -1; }
