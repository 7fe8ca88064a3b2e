# tools/rule_table.awk rules/docs/FAN*.md > rule_table.h: the rule table,
# from each rule doc's front matter (code, name, family, weight). A doc that
# lacks one of them stops the build with its file name.
FNR == 1 { inhdr = 0; code = name = family = weight = "" }
FNR == 1 && $0 == "---" { inhdr = 1; next }
inhdr && $0 == "---" {
  inhdr = 0
  if (code == "" || name == "" || family == "" || weight == "") {
    print FILENAME ": front matter needs code, name, family and weight" > "/dev/stderr"
    failed = 1
    exit 1
  }
  gsub(/-/, "_", family)
  rows[++n] = sprintf("  X(%s, \"%s\", FAMILY_%s, %s)", code, name, toupper(family), weight)
  next
}
inhdr {
  key = $0; sub(/:.*/, "", key)
  val = $0; sub(/^[^:]*: */, "", val)
  if (key == "code") code = val
  else if (key == "name") name = val
  else if (key == "family") family = val
  else if (key == "weight") weight = val
}
END {
  if (failed) exit 1
  print "/* Generated from rules/docs/FANxxx.md by tools/rule_table.awk: do not edit. */"
  print "#define RULE_TABLE(X) \\"
  for (i = 1; i <= n; i++) print rows[i] (i < n ? " \\" : "")
}
