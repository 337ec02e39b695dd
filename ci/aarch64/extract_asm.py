#!/usr/bin/env python3
"""Print the assembly text of every `global_asm!(...)` in a Rust file, in order.

Each string-literal argument becomes one output line, exactly as rustc would join them
(rustc puts a newline between the template strings). Rust escapes and the format-string
escapes `{{`/`}}` are undone. Anything that is not a plain template string (operands such as
`sym`/`const`, `options(...)`, a lone `{`) makes the script fail: the C harness cannot
reproduce operand substitution, so silently dropping it would test something else.

With --rust, print instead the complete `global_asm!(...)` invocations verbatim, one after
the other (used to feed the same tokens to rustc in a `no_core` crate).
"""
import re
import sys


class ExtractError(Exception):
    pass


def unescape(body, raw):
    if raw:
        return body
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n == "\n":  # line continuation: skip the newline and leading whitespace
            i += 2
            while i < len(body) and body[i] in " \t\n\r":
                i += 1
            continue
        simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif n == "u":
            end = body.index("}", i)
            out.append(chr(int(body[i + 3 : end].replace("_", ""), 16)))
            i = end + 1
        else:
            raise ExtractError("unknown escape \\%s" % n)
    return "".join(out)


def unformat(s):
    """Undo format-string escaping; refuse operand placeholders."""
    out = []
    i = 0
    while i < len(s):
        if s.startswith("{{", i) or s.startswith("}}", i):
            out.append(s[i])
            i += 2
        elif s[i] in "{}":
            raise ExtractError("operand placeholder in template: %r" % s)
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


RAW_START = re.compile(r'(?:b|c)?r(#*)"')
STR_START = re.compile(r'(?:b|c)?"')


def read_string(src, i):
    """If a (raw) string literal starts at i, return (value, raw, end); else None."""
    m = RAW_START.match(src, i)
    if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
        hashes = m.group(1)
        close = '"' + hashes
        end = src.index(close, m.end())
        return src[m.end() : end], True, end + len(close)
    m = STR_START.match(src, i)
    if m and (m.group(0) == '"' or i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
        j = m.end()
        while src[j] != '"':
            j += 2 if src[j] == "\\" else 1
        return src[m.end() : j], False, j + 1
    return None


def skip_trivia(src, i):
    """Skip whitespace and comments starting at i."""
    while i < len(src):
        if src[i].isspace():
            i += 1
        elif src.startswith("//", i):
            i = src.find("\n", i)
            i = len(src) if i < 0 else i + 1
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        else:
            return i
    return i


INVOCATION = re.compile(r"\bglobal_asm\s*!\s*\(")


def extract(src):
    blocks = []  # (list of template lines, verbatim invocation text)
    i = 0
    while i < len(src):
        j = skip_trivia(src, i)
        if j != i:
            i = j
            continue
        s = read_string(src, i)
        if s:
            i = s[2]
            continue
        if src[i] == "'":  # char literal or lifetime
            m = re.match(r"'(\\.[^']*|[^\\'])'", src[i:])
            i += m.end() if m else 1
            continue
        m = INVOCATION.match(src, i)
        if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            start, i = i, m.end()
            lines = []
            while True:
                i = skip_trivia(src, i)
                if src[i] == ",":
                    i += 1
                    continue
                if src[i] == ")":
                    i += 1
                    break
                s = read_string(src, i)
                if not s:
                    raise ExtractError(
                        "global_asm! argument is not a string literal near: %r" % src[i : i + 40]
                    )
                value, raw, i = s
                lines.append(unformat(unescape(value, raw)))
            i = skip_trivia(src, i)
            if src[i] == ";":
                i += 1
            blocks.append((lines, src[start:i]))
            continue
        i += 1
    return blocks


def main():
    args = sys.argv[1:]
    rust = "--rust" in args
    args = [a for a in args if a != "--rust"]
    if len(args) != 1:
        sys.exit("usage: extract_asm.py [--rust] FILE.rs")
    with open(args[0], encoding="utf-8") as f:
        src = f.read()
    try:
        blocks = extract(src)
    except (ExtractError, ValueError, IndexError) as e:
        sys.exit("extract_asm.py: %s: %s" % (args[0], e))
    if not blocks:
        sys.exit("extract_asm.py: %s: no global_asm! invocation found" % args[0])
    for n, (lines, verbatim) in enumerate(blocks):
        if rust:
            print(verbatim)
        else:
            print("// ---- global_asm! #%d from %s" % (n + 1, args[0]))
            for line in lines:
                print(line)


if __name__ == "__main__":
    main()
