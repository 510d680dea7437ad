#!/usr/bin/env bash
# One truth for scores (issue 14, row 10): a scenario worth 2 points that
# ends on its partial ending earns 1 point of 2, and the same fraction shows
# in the module score (the summary screen and the attempt), the stored
# answer, the CSV export and the xAPI statements (result.score; success only
# where right or wrong means something). The module here: q1 (1 point,
# answered right), the scenario (2 points, partial), q2 (1 point, right):
# 3 points of 4, 75 %.
source "$(dirname "$0")/store_lib.bash"
make_module

DATA=$T/data
{ login_new "Alice Martin"; answer_first; printf 'key Right\nwait 20\n'; step_second;
  printf 'key Right\nwait 20\n'; answer_first;
  printf 'key Right\nwait 50\nscreenshot %s\nquit\n' "$T/summary.png"; } >"$T/s.txt"
run_player "$DATA" "$T/s.txt" || not_ok "the session runs" "$(cat "$T/out")"
DB=$DATA/learners.db
check "the summary shows 75 %" has_text "$T/summary.boxes" "Score : 75 %"
check "the attempt's score is 75" [ "$(q "$DB" 'select score_raw from attempts')" = 75.0 ]
row=$(q "$DB" "select result || ' ' || score || ' ' || weight from answers where item_id = 'sc1'")
if [ "$row" = "0.5 0.5 2.0" ]; then
    ok "the stored scenario answer earned half of its 2 points (result 0.5, score 0.5)"
else
    not_ok "the stored scenario answer earned half of its 2 points (result 0.5, score 0.5)" "$row"
fi
sum=$(q "$DB" "select cast(round(100.0 * sum(score * weight) / sum(weight)) as int) from answers
               where weight > 0")
check "the stored answers add up to the module score (75)" [ "$sum" = 75 ]

"$PLAYER" --data "$DATA" --export "$T/r.csv" >"$T/out" 2>&1 || not_ok "CSV export" "$(cat "$T/out")"
csv_score=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1])))
print(r[0]["score"] if len(r) == 1 else "rows: %d" % len(r))' "$T/r.csv")
check "the CSV says 75" [ "$csv_score" = 75 ]

"$PLAYER" --data "$DATA" --export "$T/x.json" >"$T/out" 2>&1 || not_ok "xAPI export" "$(cat "$T/out")"
python3 - "$T/x.json" >"$T/xapi.txt" 2>&1 <<'PY'
import json, sys
sts = json.load(open(sys.argv[1]))
answered = {s["object"]["id"].rsplit("/", 1)[1]: s["result"] for s in sts
            if s["verb"]["id"].endswith("/answered")}
module = [s["result"] for s in sts if s["verb"]["id"].split("/")[-1] in ("passed", "failed")]
sc = answered["sc1"]
print("sc1", sc["score"].get("raw"), sc["score"].get("max"), sc["score"].get("scaled"),
      "success" in sc)
print("q1", answered["q1"].get("success"), answered["q1"]["score"].get("scaled"))
raw = sum(r["score"]["raw"] for r in answered.values() if "score" in r)
mx = sum(r["score"]["max"] for r in answered.values() if "score" in r)
print("sum", round(100 * raw / mx))
print("module", module[0]["score"]["raw"] if module else None, module[0]["score"].get("scaled") if module else None)
PY
if grep -qx "sc1 1.0 2.0 0.5 False" "$T/xapi.txt"; then
    ok "xAPI: the scenario's answered statement scores 1 of 2 (scaled 0.5), with no success"
else
    not_ok "xAPI: the scenario's answered statement scores 1 of 2 (scaled 0.5), with no success" \
        "$(cat "$T/xapi.txt")"
fi
check "xAPI: a right answer says success true, scaled 1" grep -qx "q1 True 1.0" "$T/xapi.txt"
if grep -qx "sum 75" "$T/xapi.txt" && grep -qx "module 75.0 0.75" "$T/xapi.txt"; then
    ok "xAPI: the answered statements add up to the module's score (75, scaled 0.75)"
else
    not_ok "xAPI: the answered statements add up to the module's score (75, scaled 0.75)" \
        "$(cat "$T/xapi.txt")"
fi
finish
