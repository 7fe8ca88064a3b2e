#!/usr/bin/env python3
# tools/lsp_agrees.py FANOUT ROOT...: whether the language server shows what
# check shows. For each root, every file check has findings in is opened in
# one session, then edited twice (a line put above everything, then a comment
# typed on it: the path that rebuilds the index and the one that keeps the
# findings); the last diagnostics must be check's, one line down, with the
# lines that messages name in the opened files one down too. Both run in the
# root, as an editor starts the server in its project. Prints one line
# per file that differs and "N files with findings, N differ"; exits 1 when
# any does.
import json, os, re, subprocess, sys


def agrees(fan, root):
    root = os.path.abspath(root)
    js = json.loads(subprocess.run([os.path.abspath(fan), "check", "--no-cache", "--format", "json", root], capture_output=True, text=True, cwd=root).stdout)
    check = {}
    for f in js["findings"]:
        check.setdefault(os.path.abspath(f["path"]), set()).add((f["line"] + 1, f["code"], f["message"]))
    def frame(o):
        b = json.dumps(o).encode()
        return b"Content-Length: %d\r\n\r\n" % len(b) + b
    msgs = [frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": "file://" + root, "capabilities": {}}})]
    for p in sorted(check):
        msgs.append(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file://" + p, "languageId": "python", "version": 1, "text": open(p).read()}}}))
    for p in sorted(check):
        for v, t in ((2, "\n"), (3, "# moved")):
            msgs.append(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file://" + p, "version": v}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": t}]}}))
    msgs.append(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    msgs.append(frame({"jsonrpc": "2.0", "method": "exit"}))
    r = subprocess.run([os.path.abspath(fan), "lsp", "--no-cache"], input=b"".join(msgs), capture_output=True, cwd=root)  # an editor starts it in the project: its configuration
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
    for p in sorted(check):
        a, b = check[p], last.get(p, set())
        if a != b:
            diff += 1
            print("DIFF", os.path.relpath(p, root), sorted(a - b)[:2], sorted(b - a)[:2])
    print(f"{os.path.basename(root.rstrip('/'))}: {len(check)} files with findings, {diff} differ")
    return diff


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: tools/lsp_agrees.py FANOUT ROOT...")
    bad = sum(agrees(sys.argv[1], r) for r in sys.argv[2:])
    sys.exit(1 if bad else 0)
