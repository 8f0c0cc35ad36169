"""The 24-hour TTL: the read-side filter, its exact edge, lazy deletion, and events that arrive past it."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from projects.lambda_arch.batch import BatchView
from projects.lambda_arch.events import DEFAULT_START_MS as T0
from projects.lambda_arch.serving import answer
from projects.lambda_arch.speed import SpeedRow
from projects.lambda_arch.speed_sqlite import SqliteSpeedStore
from projects.lambda_arch.timebase import HOUR_MS, MINUTE_MS, TTL_S, item_ttl_s, minute_of

MINUTE = T0 + 5 * MINUTE_MS
TTL = item_ttl_s(MINUTE)


@settings(database=None)
@given(st.integers(0, 10**13))
def test_no_event_expires_before_event_time_plus_24h(event_ms: int) -> None:
    ttl = item_ttl_s(minute_of(event_ms))
    assert event_ms // 1000 + TTL_S <= ttl <= event_ms // 1000 + TTL_S + 60


def test_ttl_edge_is_exclusive(tmp_path) -> None:
    store = SqliteSpeedStore(tmp_path / "s.sqlite")
    store.apply([SpeedRow(MINUTE, "purchase", T0, 2, 300, TTL)])
    read = lambda now_s: store.read(T0, T0 + HOUR_MS, T0, now_s)  # noqa: E731
    assert [r.events for r in read(TTL - 1)] == [2]
    assert read(TTL) == []           # ttl <= now is expired (DynamoDB's documented filter)
    assert store.count_expired(TTL) == 1  # ...yet still stored: presence proves nothing


def test_lazy_sweep_never_changes_what_reads_return(tmp_path) -> None:
    store = SqliteSpeedStore(tmp_path / "s.sqlite", sweep_lag_s=3600)
    store.apply([SpeedRow(MINUTE, "page_view", T0, 1, 0, TTL),
                 SpeedRow(MINUTE + MINUTE_MS * 90, "page_view", T0, 1, 0, item_ttl_s(MINUTE + MINUTE_MS * 90))])
    now = TTL + 1800
    before = store.read(T0, T0 + 3 * HOUR_MS, T0, now)
    assert store.sweep(now) == 0          # expired 30 min ago: the background deleter has not come yet
    assert store.sweep(TTL + 3600) == 1   # an hour after expiry it has
    assert store.read(T0, T0 + 3 * HOUR_MS, T0, now) == before == [
        SpeedRow(MINUTE + MINUTE_MS * 90, "page_view", T0, 1, 0, item_ttl_s(MINUTE + MINUTE_MS * 90))]


def test_event_later_than_ttl_is_invisible_to_speed_and_recovered_by_batch(mini, make_deliveries) -> None:
    event_ms = T0 + 10 * MINUTE_MS
    arrival = event_ms + 25 * HOUR_MS   # a phone offline for a day
    cutoff = arrival - arrival % HOUR_MS
    mini.ingest(make_deliveries([(1, "purchase", 4200, event_ms, arrival)]))
    window = (T0, T0 + HOUR_MS)
    assert answer(BatchView.empty(cutoff), mini.store, *window, arrival).events == 0   # expired on arrival
    healed = answer(mini.batch(cutoff + HOUR_MS), mini.store, *window, arrival)
    assert (healed.events, healed.amount_cents) == (1, 4200)


def test_batch_lag_beyond_ttl_loses_data_until_the_batch_catches_up(mini, make_deliveries) -> None:
    events = [(i, "page_view", 0, T0 + i * HOUR_MS, T0 + i * HOUR_MS + 500) for i in range(40)]
    mini.ingest(make_deliveries(events))
    now = T0 + 40 * HOUR_MS
    stale = answer(BatchView.empty(T0), mini.store, T0 - HOUR_MS, now, now)   # no batch for 40 h
    assert stale.events == 24   # events at hours 16..39: only their items are live (event hour + 24h + 1 min > now)
    fresh = answer(mini.batch(now), mini.store, T0 - HOUR_MS, now, now)
    assert fresh.events == 40
