# A long log for `make bench` and the tests: a recorded run (the first file)
# repeated with the clock moving on and a 20 s pause between runs, until
# `bytes` are written. usage: awk -v bytes=N -f tools/genlog.awk RUN.log
function two(n) { return n < 10 ? "0" n : n }
function three(n) { return n < 10 ? "00" n : n < 100 ? "0" n : n }
NR == FNR {
  split(substr($1, 12, 12), hms, ":")
  t = hms[1] * 3600 + hms[2] * 60 + hms[3]
  if (NR == 1) t0 = t
  off[n] = t - t0
  rest = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", rest)
  msg[n++] = rest
  span = t - t0
  next
}
END {
  base = 14 * 3600
  written = 0
  for (rep = 0; written < bytes; rep++) {
    for (i = 0; i < n && written < bytes; i++) {
      s = base + rep * (span + 20) + off[i]
      day = 25 + int(s / 86400); s -= int(s / 86400) * 86400
      h = int(s / 3600); m = int((s - h * 3600) / 60); sec = s - h * 3600 - m * 60
      ms = int((sec - int(sec)) * 1000)
      d = "2026-11-" day
      line = d "T" two(h) ":" two(m) ":" two(int(sec)) "." three(ms) "Z " d " " two(h) ":" two(m) ":" two(int(sec)) "," three(ms) " " msg[i]
      print line
      written += length(line) + 1
    }
  }
}
