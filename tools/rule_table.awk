# tools/rule_table.awk rules/docs/FAN*.md > rule_table.h: the rule table,
# from each rule doc's front matter: code, name, summary, severity
# (error/warning/info), default (on/off), error-when (data-sized, optional),
# family, weight and improves (the metric a fix should move). A doc that lacks
# one of them, or gives a value the table cannot hold, stops the build with
# its file name and line.
function fail(msg, key) {
  print FILENAME ":" (key in at ? at[key] : FNR) ": " msg > "/dev/stderr"
  failed = 1
  exit 1
}
function cstr(s) {
  gsub(/\\/, "\\\\", s)
  gsub(/"/, "\\\"", s)
  return "\"" s "\""
}
FNR == 1 {
  inhdr = 0
  split("", v)
  split("", at)
}
FNR == 1 && $0 == "---" { inhdr = 1; next }
FNR == 1 { fail("a rule doc starts with a --- front matter ---") }
inhdr && $0 == "---" {
  inhdr = 0
  split("code name summary severity default family weight improves", need, " ")
  for (i = 1; i in need; i++)
    if (v[need[i]] == "") fail("front matter needs " need[i])
  if (v["code"] !~ /^FAN[0-9][0-9][0-9]$/) fail("code is FAN and three digits", "code")
  if (v["severity"] !~ /^(error|warning|info)$/) fail("severity is error, warning or info", "severity")
  if (v["default"] !~ /^(on|off)$/) fail("default is on or off", "default")
  if (v["error-when"] != "" && v["error-when"] != "data-sized") fail("error-when takes data-sized", "error-when")
  if (v["weight"] !~ /^[0-9]+(\.[0-9]+)?$/) fail("weight is a number", "weight")
  family = v["family"]
  gsub(/-/, "_", family)
  rows[++n] = sprintf("  X(%s, %s, %s, FAMILY_%s, SEVERITY_%s, %s, %s, %s, %s)", v["code"],
                      cstr(v["name"]), cstr(v["summary"]), toupper(family), toupper(v["severity"]),
                      v["default"] == "on" ? "true" : "false",
                      v["error-when"] != "" ? "true" : "false", v["weight"], cstr(v["improves"]))
  next
}
inhdr {
  if ($0 !~ /^[a-z-]+: /) fail("front matter lines are `key: value`")
  key = $0; sub(/:.*/, "", key)
  val = $0; sub(/^[^:]*: */, "", val)
  if (key in v) fail("`" key "` given twice")
  v[key] = val
  at[key] = FNR
}
END {
  if (failed) exit 1
  print "/* Generated from rules/docs/FANxxx.md by tools/rule_table.awk: do not edit. */"
  print "#define RULE_TABLE(X) \\"
  for (i = 1; i <= n; i++) print rows[i] (i < n ? " \\" : "")
}
