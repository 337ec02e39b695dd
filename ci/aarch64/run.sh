#!/usr/bin/env bash
# Checks goro's aarch64 context switch without a Rust aarch64 standard library.
#
# The assembly text of the `global_asm!` invocations in rt/src/arch/aarch64.rs is extracted
# (so this always tests the real source, never a copy), linked with the C harness
# switch_test.c by the aarch64 cross gcc, and run under qemu user-mode emulation.
#
# Variants, each running the whole harness:
#   gas   - the extracted text assembled by GNU as (via aarch64-linux-gnu-gcc);
#   rustc - if the local rustc can build a `#![no_core]` crate for aarch64-unknown-linux-gnu
#           (no rust-std needed), the verbatim `global_asm!(...)` invocations are compiled by
#           rustc itself, i.e. by the same template handling and LLVM assembler as a real
#           aarch64 build of goro; that object is linked with the harness instead.
# If llvm-mc is installed, it must accept the extracted text as well.
#
# Needs: python3, aarch64-linux-gnu-gcc, qemu-aarch64 (Debian: gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross, qemu-user or qemu-user-static). The harness runs as
# `qemu-aarch64 ./switch_test`, never through binfmt_misc, so no handler needs registering.
# Missing tools make it skip with exit 0, saying so; it installs nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# GORO_AARCH64_RS: test another copy of the file (used to check that broken copies fail).
src="${GORO_AARCH64_RS:-$root/rt/src/arch/aarch64.rs}"

skip() {
    echo "== aarch64 context switch skipped: $1 missing"
    exit 0
}

command -v python3 >/dev/null 2>&1 || skip python3
cc="${AARCH64_CC:-aarch64-linux-gnu-gcc}"
command -v "$cc" >/dev/null 2>&1 || skip "$cc"
qemu=""
for q in ${AARCH64_QEMU:-} qemu-aarch64 qemu-aarch64-static; do
    if command -v "$q" >/dev/null 2>&1; then
        qemu="$q"
        break
    fi
done
[ -n "$qemu" ] || skip qemu-aarch64

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ulimit -c 0 # crashing (broken) contexts must not leave core files behind

# The assembly, exactly as written in the Rust source, one template string per line.
python3 "$here/extract_asm.py" "$src" >"$work/switch.S"
# Harness-only addition (rustc emits this itself for its objects): no executable stack.
printf '\n.section .note.GNU-stack,"",%%progbits\n' >>"$work/switch.S"
echo "extracted $(grep -c . "$work/switch.S") lines of assembly from ${src#"$root"/}"

if llvm_mc="$(command -v llvm-mc)"; then
    "$llvm_mc" --triple=aarch64-unknown-linux-gnu --filetype=obj -o "$work/switch.llvm.o" "$work/switch.S"
    echo "llvm-mc $("$llvm_mc" --version | sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p' | head -1) assembles it"
fi

total_passed=0
total_failed=0
status=0

# run_variant NAME ASM_INPUT: build the harness with ASM_INPUT (.S or .o) and run it.
run_variant() {
    local name="$1" asm="$2" out="$work/out.$1"
    echo "== variant $name"
    "$cc" -static -O2 -g -Wall -Wextra -Werror -frounding-math \
        -o "$work/switch_test.$name" "$here/switch_test.c" "$asm"
    # The last test makes a child die by `brk`; qemu reports that on stderr ("uncaught
    # target signal 5"), which is expected.
    local rc=0
    "$qemu" "$work/switch_test.$name" >"$out" || rc=$?
    cat "$out"
    local summary
    summary="$(tail -n 1 "$out")"
    if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        total_passed=$((total_passed + BASH_REMATCH[1]))
        total_failed=$((total_failed + BASH_REMATCH[2]))
    else
        echo "FAIL variant $name: harness ended without a summary (exit $rc)"
        total_failed=$((total_failed + 1))
    fi
    [ "$rc" -eq 0 ] || status=1
}

run_variant gas "$work/switch.S"

# rustc variant: minimal no_core prelude (lang items differ across rustc versions: try the
# newer sized-hierarchy one, then the older one). If neither builds an empty crate, this
# rustc cannot do it and the variant is skipped; if one does, the real asm must build too.
rustc_bin="${RUSTC:-rustc}"
rustc_flags=(--edition 2021 --crate-type lib --target aarch64-unknown-linux-gnu --emit=obj -O -A internal_features)
prelude_new='#![feature(no_core, lang_items, rustc_attrs, decl_macro)]
#![no_core]
#[lang = "pointee_sized"] pub trait PointeeSized {}
#[lang = "meta_sized"] pub trait MetaSized: PointeeSized {}
#[lang = "sized"] pub trait Sized: MetaSized {}'
prelude_old='#![feature(no_core, lang_items, rustc_attrs, decl_macro)]
#![no_core]
#[lang = "sized"] pub trait Sized {}'
builtin='#[rustc_builtin_macro]
pub macro global_asm("assembly template", $(operands,)* $(options($(option),*))?) { /* built in */ }'
prelude=""
if command -v "$rustc_bin" >/dev/null 2>&1; then
    for p in "$prelude_new" "$prelude_old"; do
        printf '%s\n%s\n' "$p" "$builtin" >"$work/probe.rs"
        if RUSTC_BOOTSTRAP=1 "$rustc_bin" "${rustc_flags[@]}" -o "$work/probe.o" "$work/probe.rs" >/dev/null 2>&1; then
            prelude="$p"
            break
        fi
    done
fi
if [ -n "$prelude" ]; then
    {
        printf '%s\n%s\n' "$prelude" "$builtin"
        python3 "$here/extract_asm.py" --rust "$src"
    } >"$work/switch_rs.rs"
    RUSTC_BOOTSTRAP=1 "$rustc_bin" "${rustc_flags[@]}" -o "$work/switch_rs.o" "$work/switch_rs.rs"
    echo "$("$rustc_bin" --version) compiled the global_asm! invocations for aarch64-unknown-linux-gnu"
    run_variant rustc "$work/switch_rs.o"
else
    echo "== variant rustc skipped: $rustc_bin cannot build a no_core aarch64 object here"
fi

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] || status=1
exit "$status"
