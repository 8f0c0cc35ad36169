"""The serving merge: no gap and no double count at the cutoff, checked by hand and as a property."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from projects.lambda_arch.events import DEFAULT_START_MS as T0, Workload, generate
from projects.lambda_arch.oracle import Oracle
from projects.lambda_arch.serving import answer
from projects.lambda_arch.timebase import DAY_MS, HOUR_MS, MINUTE_MS

H = HOUR_MS
ALL = (T0 - DAY_MS, T0 + 3 * DAY_MS)


def test_boundary_cases_by_hand(mini, make_deliveries) -> None:
    cutoff = T0 + 2 * H
    early = make_deliveries([
        (1, "purchase", 500, T0 + 10 * MINUTE_MS, T0 + 10 * MINUTE_MS + 300),   # plain, batch side
        (2, "purchase", 700, cutoff - 1, cutoff - 1),                          # last ms before the cutoff
        (3, "purchase", 900, T0 + 30 * MINUTE_MS, cutoff - 500),                # duplicated across the cutoff...
    ])
    late = make_deliveries([
        (3, "purchase", 900, T0 + 30 * MINUTE_MS, cutoff + 400),                # ...second copy after it
        (4, "purchase", 1100, T0 + 20 * MINUTE_MS, cutoff + 5 * MINUTE_MS),     # late: event before, arrival after
        (5, "page_view", 0, cutoff, cutoff),                                    # exactly on the cutoff
    ])
    mini.ingest(early)
    view = mini.batch(cutoff)
    mini.ingest(late)
    now = cutoff + H
    got = answer(view, mini.store, *ALL, now)
    # Events 1-5 once each, plus event 3's second copy that the speed layer counted again.
    assert (got.events, got.amount_cents) == (5 + 1, 500 + 700 + 900 + 1100 + 900)
    # The late event is served from the speed side in its own (old) minute: no gap before the next batch.
    late_cell = [p for p in got.points if p.minute_ms == T0 + 20 * MINUTE_MS]
    assert [(p.events, p.source) for p in late_cell] == [(1, "speed")]
    # The next batch run removes the double count and keeps the late event.
    healed = answer(mini.batch(cutoff + H), mini.store, *ALL, now)
    assert (healed.events, healed.amount_cents) == (5, 500 + 700 + 900 + 1100)
    assert {p.source for p in healed.points} == {"batch"}


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(n=st.integers(50, 600), dup=st.floats(0, 0.4), late=st.floats(0, 0.4), seed=st.integers(0, 10_000),
       cut_h=st.integers(1, 36), extra=st.floats(0, 1), windows=st.lists(
           st.tuples(st.integers(0, 40 * 60), st.sampled_from([1, 7, 60, 600, 3000]),
                     st.sampled_from([None, "purchase", "page_view", "refund"])), min_size=1, max_size=6))
def test_merge_equals_recompute_plus_explained_drift(make_pipeline, n: int, dup: float, late: float, seed: int,
                                                     cut_h: int, extra: float, windows: list) -> None:
    """For any stream, cutoff, read time and window: merged == oracle, and after a full batch == recompute."""
    d = generate(Workload(n, dup, late, seed, hours=30))
    cutoff = T0 + cut_h * H
    before = int(np.searchsorted(d.ingest_ms, cutoff))
    prefix = before + int(extra * (len(d) - before))
    oracle = Oracle(d)
    with tempfile.TemporaryDirectory() as tmp:
        mini = make_pipeline(Path(tmp))
        mini.ingest(d.slice(0, before))
        view = mini.batch(cutoff)
        mini.ingest(d.slice(before, prefix))
        now = int(d.ingest_ms[prefix - 1]) if prefix else cutoff
        now = max(now, cutoff)
        for offset, minutes, etype in windows:
            start = T0 + offset * MINUTE_MS
            got = answer(view, mini.store, start, start + minutes * MINUTE_MS, now, etype)
            ref = oracle.reference(prefix, cutoff, now, start, start + minutes * MINUTE_MS, etype)
            assert (got.events, got.amount_cents) == (ref.expected.events, ref.expected.amount_cents)
            assert ref.expected.events - ref.truth.events == ref.duplicates.events - ref.lost.events
        # A batch over everything delivered so far equals the full recompute, exactly.
        final_cut = (int(d.ingest_ms[prefix - 1]) // H + 1) * H if prefix else cutoff
        healed = answer(mini.batch(final_cut), mini.store, *ALL, final_cut)
        truth = oracle.reference(prefix, final_cut, final_cut, *ALL).truth
        assert (healed.events, healed.amount_cents) == (truth.events, truth.amount_cents)
        mini.store.close()
