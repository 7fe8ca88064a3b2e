#!/usr/bin/env python3
# tools/lsp_agrees.py FANOUT ROOT...: whether the language server shows what
# check shows. For each root, every file check has findings in is opened in
# one session, then edited: a line put above everything, a def put above it
# and taken away again (every def of the file moves, and back), a module-level
# assignment added at its end (the paths that rebuild the index), then a
# comment typed on the first line (the one that keeps the findings), and a
# statement put into the first indented block and taken away;
# the last diagnostics must be check's, one line down, with the lines that
# messages name in the opened files one down too. Every rebuild is checked
# against a full build (FANOUT_VERIFY_REBUILDS): a rebuild that differs is a
# failure too. Both run in the root, as an editor starts the server in its
# project. With --every-file, every file of the root is opened and edited so.
# Prints one line per file that differs and "N files with findings, N differ";
# exits 1 when any does.
import json, os, re, subprocess, sys


def agrees(fan, root, every_file=False):
    root = os.path.abspath(root)
    js = json.loads(subprocess.run([os.path.abspath(fan), "check", "--no-cache", "--format", "json", root], capture_output=True, text=True, cwd=root).stdout)
    check = {}
    for f in js["findings"]:
        check.setdefault(os.path.abspath(f["path"]), set()).add((f["line"] + 1, f["code"], f["message"]))
    if every_file:  # files without findings too (their rebuilds are checked; nothing shows)
        for d, _, names in os.walk(root):
            for n in names:
                if n.endswith(".py"):
                    check.setdefault(os.path.join(d, n), set())
    def frame(o):
        b = json.dumps(o).encode()
        return b"Content-Length: %d\r\n\r\n" % len(b) + b
    msgs = [frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": "file://" + root, "capabilities": {}}})]
    for p in sorted(check):
        msgs.append(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file://" + p, "languageId": "python", "version": 1, "text": open(p).read()}}}))
    def change(p, v, line, col, t, end_line=None):
        end = {"line": line if end_line is None else end_line, "character": col if end_line is None else 0}
        return frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file://" + p, "version": v}, "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": end}, "text": t}]}})
    for p in sorted(check):
        text = "\n" + open(p).read()
        last_line = text.split("\n")[-1]
        msgs.append(change(p, 2, 0, 0, "\n"))
        # a def put first moves every def of the file (what other files resolve into it), then goes
        msgs.append(change(p, 3, 0, 0, "def _fanout_probe():\n    pass\n"))
        msgs.append(change(p, 4, 0, 0, "", end_line=2))
        # a statement put into the first indented line's block, and taken away again (one
        # top-level statement walked again, those after it moved)
        lines = text.split("\n")
        inner = next((i for i, l in enumerate(lines) if l.startswith("    ") and l.strip()), None)
        if inner is not None:
            indent = lines[inner][:len(lines[inner]) - len(lines[inner].lstrip())]
            msgs.append(change(p, 5, inner, 0, indent + "_fanout_probe = 1\n"))
            msgs.append(change(p, 6, inner, 0, "", end_line=inner + 1))
        msgs.append(change(p, 7, text.count("\n"), len(last_line.encode("utf-16-le")) // 2, "\n_fanout_probe = 1\n"))
        msgs.append(change(p, 8, 0, 0, "# moved"))
    msgs.append(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    msgs.append(frame({"jsonrpc": "2.0", "method": "exit"}))
    env = dict(os.environ, FANOUT_VERIFY_REBUILDS="1")
    r = subprocess.run([os.path.abspath(fan), "lsp", "--no-cache"], input=b"".join(msgs), capture_output=True, cwd=root, env=env)  # an editor starts it in the project: its configuration
    opened = set(check)
    def unshift(msg):
        # a line of an opened (and so shifted) file named in a message: back to the file on disk
        def fix(m):
            p, n = m.group(1), int(m.group(2))
            return f"{p}:{n - 1 if os.path.abspath(p) in opened else n}"
        return re.sub(r"(/[^\s:`']+\.py):(\d+)", fix, msg)
    last = {}
    for body in re.split(r"Content-Length: \d+\r\n\r\n", r.stdout.decode()):
        if not body.strip(): continue
        m = json.loads(body)
        if m.get("method") == "textDocument/publishDiagnostics":
            last[m["params"]["uri"][7:]] = {(d["range"]["start"]["line"] + 1, d["code"], unshift(d["message"])) for d in m["params"]["diagnostics"]}
    diff = 0
    for line in r.stderr.decode().splitlines():
        if "from a full build" in line:
            diff += 1
            print("REBUILD", line)
    for p in sorted(check):
        a, b = check[p], last.get(p, set())
        if a != b:
            diff += 1
            print("DIFF", os.path.relpath(p, root), sorted(a - b)[:2], sorted(b - a)[:2])
    print(f"{os.path.basename(root.rstrip('/'))}: {len(check)} files {'opened' if every_file else 'with findings'}, {diff} differ")
    return diff


if __name__ == "__main__":
    every = "--every-file" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--every-file"]
    if len(args) < 2:
        sys.exit("usage: tools/lsp_agrees.py [--every-file] FANOUT ROOT...")
    bad = sum(agrees(args[0], r, every) for r in args[1:])
    sys.exit(1 if bad else 0)
