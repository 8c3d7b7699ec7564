"""The machine line every benchmark prints. ONNX int8 speed depends on the CPU's int8 dot-product
instructions (VNNI): on 2026-11-30 an AMD EPYC with AVX512-VNNI ran `onnx-int8` 2.9x as fast as
torch fp32, while the day before another machine of the same kind ran it 1.7x as fast."""

import os
import platform
from pathlib import Path

INT8_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8")


def describe() -> str:
    """``<cores> CPU cores (<model>; int8: <VNNI flags or none>), Python <version>``."""
    model, flags = _cpuinfo()
    int8 = ", ".join(flag for flag in INT8_FLAGS if flag in flags) or "no VNNI"
    return f"{os.cpu_count()} CPU cores ({model}; int8: {int8}), Python {platform.python_version()}"


def _cpuinfo() -> tuple[str, set[str]]:
    """(model name, flags) of the first CPU in /proc/cpuinfo; the platform's names elsewhere."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return model, flags
    fields = dict(line.split(":", 1) for line in lines if ":" in line)  # the last CPU's, all alike
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    return fields.get("model name", model), set(fields.get("flags", "").split())
