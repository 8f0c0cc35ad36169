"""The dashboard page: static HTML + a little JS that calls /api/metrics with the bearer token."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse: Lambda Architecture dashboard</title>
<style>
 body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
 textarea { width: 100%; height: 4.5rem; font: 12px monospace; }
 table { border-collapse: collapse; margin: 1rem 0; }
 td, th { padding: .2rem .8rem; border-bottom: 1px solid #ddd; text-align: right; }
 th:first-child, td:first-child { text-align: left; }
 .batch { fill: #3b6ea8; } .speed { fill: #e08a1e; } .both { fill: #7a5aa6; }
 #error { color: #b00020; }
</style>
</head>
<body>
<h1>Pulse</h1>
<p>Per-minute product events: <b style="color:#3b6ea8">batch view</b> up to the last batch cutoff,
<b style="color:#e08a1e">speed view</b> after it. Needs an access token:
<code>python -m projects.lambda_arch token</code>.</p>
<noscript><p>This page needs JavaScript; the data is at <code>/api/metrics</code> (Bearer token).</p></noscript>
<label>Access token<br><textarea id="token"></textarea></label>
<p><label>Window <select id="minutes"><option>15</option><option>60</option><option selected>360</option>
<option>1440</option></select> minutes</label>
<label>Type <select id="type"><option value="">all</option><option>page_view</option><option>search</option>
<option>add_to_cart</option><option>purchase</option><option>refund</option></select></label>
<button id="load">Load</button></p>
<p id="error" role="alert"></p>
<p id="summary"></p>
<svg id="chart" width="100%" height="160" role="img" aria-label="events per minute"></svg>
<table id="types"></table>
<script>
const $ = (id) => document.getElementById(id);
$("token").value = sessionStorage.getItem("token") || "";
function cell(tr, text, tag) { const c = document.createElement(tag || "td"); c.textContent = text; tr.appendChild(c); }
async function load() {
  const token = $("token").value.trim();
  sessionStorage.setItem("token", token);
  const health = await (await fetch("/api/health")).json();
  const to = health.events_end_ms, from = to - Number($("minutes").value) * 60000;
  const q = new URLSearchParams({from: from, to: to});
  if ($("type").value) q.set("type", $("type").value);
  const res = await fetch("/api/metrics?" + q, {headers: {Authorization: "Bearer " + token}});
  const body = await res.json();
  $("error").textContent = res.ok ? "" : res.status + ": " + body.error;
  if (!res.ok) return;
  $("summary").textContent = body.totals.events.toLocaleString() + " events, $" +
    (body.totals.amount_cents / 100).toFixed(2) + " net revenue; batch cutoff " + body.batch_cutoff + ", now " + body.now;
  const perMinute = new Map();
  for (const p of body.series) {
    const m = perMinute.get(p.minute_ms) || {n: 0, src: new Set()};
    m.n += p.events; p.source.split("+").forEach((s) => m.src.add(s)); perMinute.set(p.minute_ms, m);
  }
  const svg = $("chart"); svg.replaceChildren();
  const max = Math.max(1, ...[...perMinute.values()].map((m) => m.n)), w = 100 / Math.max(1, (to - from) / 60000);
  for (const [minute, m] of perMinute) {
    const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    const h = 150 * m.n / max;
    r.setAttribute("x", ((minute - from) / 60000 * w) + "%"); r.setAttribute("width", w + "%");
    r.setAttribute("y", 155 - h); r.setAttribute("height", h);
    r.setAttribute("class", m.src.size > 1 ? "both" : [...m.src][0]);
    svg.appendChild(r);
  }
  const table = $("types"); table.replaceChildren();
  const head = document.createElement("tr"); ["type", "events", "amount"].forEach((t) => cell(head, t, "th"));
  table.appendChild(head);
  for (const [t, v] of Object.entries(body.by_type)) {
    const tr = document.createElement("tr");
    cell(tr, t); cell(tr, v.events.toLocaleString()); cell(tr, "$" + (v.amount_cents / 100).toFixed(2));
    table.appendChild(tr);
  }
}
$("load").addEventListener("click", () => load().catch((e) => { $("error").textContent = String(e); }));
</script>
</body>
</html>
"""
