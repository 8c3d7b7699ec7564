"""ragcore: a document RAG service.

Before torch is imported anywhere in the process, OpenMP is told to let idle threads sleep instead of
spinning (``OMP_WAIT_POLICY=PASSIVE`` unless already set). On a small machine whose cores are shared
with other processes, spinning threads wait for a preempted peer at every parallel region: one query
encode of MiniLM took 360-480 ms p50 with torch's 2 threads on a loaded 2-core box, 22 ms with
PASSIVE (docs/performance.md).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
