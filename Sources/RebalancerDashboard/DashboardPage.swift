/// The dashboard page: one HTML document with its CSS and JavaScript inline, so it works offline
/// (no CDN, no other asset). It opens `/events` and draws what arrives: each venue's balance
/// against its floor, maintenance margin and bands over the last minutes (inline SVG), plans as
/// they are approved with each verifier's vote, transfers in flight, the decision-path latency and
/// alerts. Elements carry `data-` attributes (venue, plan sequence, vote, times) that tests read.
enum DashboardPage {
    static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <title>rebalancer dashboard</title>
    <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #d8dee9; }
    header { padding: 10px 18px; background: #1b2430; display: flex; gap: 18px; align-items: baseline; }
    header h1 { font-size: 18px; margin: 0; }
    .muted { color: #8a96a8; }
    main { padding: 12px 18px; display: grid; grid-template-columns: 2fr 1fr; gap: 16px; }
    section h2 { font-size: 15px; margin: 6px 0; color: #aebbd0; }
    #venues { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
    .venue { background: #1b2430; border-radius: 6px; padding: 8px 10px; border-left: 4px solid #4caf50; }
    .venue.low { border-left-color: #ffb300; } .venue.stale { border-left-color: #e53935; opacity: .75; }
    .venue .name { font-weight: 600; } .venue .figs { font-size: 12px; }
    .badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #e53935; color: #fff; margin-left: 6px; }
    svg { width: 100%; height: 90px; background: #111820; border-radius: 4px; }
    table { width: 100%; border-collapse: collapse; font-size: 12px; }
    td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #263040; vertical-align: top; }
    .vote { display: inline-block; padding: 0 5px; margin: 1px; border-radius: 4px; font-size: 11px; }
    .vote.approve { background: #2e7d32; } .vote.none { background: #37474f; } .vote.invalid { background: #c62828; }
    .alert { padding: 4px 8px; margin: 3px 0; border-radius: 4px; background: #3b2626; font-size: 12px; }
    .alert.venue_fresh { background: #23352a; }
    .legend span { margin-right: 10px; font-size: 11px; }
    #latency b { font-size: 18px; }
    </style>
    </head>
    <body>
    <header><h1>rebalancer</h1><span id="topology" class="muted">connecting…</span>
    <span id="conn" class="muted"></span><span id="latency">decision latency <b id="lat-last">–</b> ms · p50 <span id="lat-p50">–</span> · p95 <span id="lat-p95">–</span></span></header>
    <main>
    <div>
    <section><h2>Venues</h2>
    <div class="legend muted"><span style="color:#64b5f6">— balance</span><span style="color:#e53935">— floor</span><span style="color:#ff9800">— maint. margin</span><span style="color:#9ccc65">- - bands</span><span style="color:#fff59d">· target</span></div>
    <div id="venues"></div></section>
    <section><h2>Plans</h2><table><thead><tr><th>seq</th><th>time</th><th>trigger</th><th>transfers</th><th>votes</th></tr></thead><tbody id="plans"></tbody></table></section>
    </div>
    <div>
    <section><h2>Alerts</h2><div id="alerts"></div></section>
    <section><h2>Transfers in flight</h2><table><thead><tr><th>id</th><th>state</th><th>executor</th></tr></thead><tbody id="transfers"></tbody></table></section>
    </div>
    </main>
    <script>
    "use strict";
    const state = { hello: null, hist: {}, plans: new Map(), transfers: new Map(), lat: [] };
    const $ = (id) => document.getElementById(id);
    const money = (v) => "$" + Math.round(v).toLocaleString("en-US");
    const time = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour12: false }) + "." + String(Math.floor(ms % 1000)).padStart(3, "0");
    function el(tag, attrs, text) { const e = document.createElement(tag); for (const k in attrs || {}) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; }
    function venueCard(id) {
      let card = document.querySelector('.venue[data-venue="' + CSS.escape(id) + '"]');
      if (card) return card;
      card = el("div", { class: "venue", "data-venue": id });
      card.append(el("div", { class: "name" }, id), el("div", { class: "figs muted" }, "waiting for its watcher"));
      card.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "svg"));
      $("venues").appendChild(card);
      return card;
    }
    function onHello(h) {
      state.hello = h;
      $("topology").textContent = "topology " + h.topology + " · " + h.venues.length + " venues · quorum " + h.quorum + " of " + h.verifiers.length + " · via " + h.node;
      h.venues.forEach(venueCard);
    }
    function onVenue(p) {
      const list = state.hist[p.venue] || (state.hist[p.venue] = []);
      const last = list[list.length - 1];
      if (last && last.observedAtMs === p.observedAtMs) list[list.length - 1] = p; else list.push(p);
      const horizon = p.observedAtMs - (state.hello ? state.hello.windowSeconds : 300) * 1000;
      while (list.length && list[0].observedAtMs < horizon) list.shift();
      drawVenue(p.venue);
    }
    function drawVenue(id) {
      const list = state.hist[id]; if (!list || !list.length) return;
      const p = list[list.length - 1];
      const card = venueCard(id);
      card.classList.toggle("stale", p.stale);
      card.classList.toggle("low", !p.stale && p.maintenanceMargin > 0 && p.balance < p.lowerBand);
      card.dataset.balance = p.balance;
      card.querySelector(".name").innerHTML = "";
      card.querySelector(".name").append(document.createTextNode(id));
      if (p.stale) card.querySelector(".name").append(el("span", { class: "badge" }, "stale"));
      card.querySelector(".figs").textContent = "balance " + money(p.balance) + " · floor " + money(p.floor) + " · maint. " + money(p.maintenanceMargin) +
        " · ratio " + p.ratio.toFixed(2) + (p.pendingIn ? " · in " + money(p.pendingIn) : "") + (p.pendingOut ? " · out " + money(p.pendingOut) : "");
      const svg = card.querySelector("svg"); const W = 300, H = 90;
      svg.setAttribute("viewBox", "0 0 " + W + " " + H); svg.setAttribute("preserveAspectRatio", "none");
      const t0 = list[0].observedAtMs, t1 = Math.max(p.observedAtMs, t0 + 1);
      let hi = 0; for (const q of list) hi = Math.max(hi, q.balance, q.upperBand, q.floor);
      hi = hi * 1.05 || 1;
      const x = (t) => ((t - t0) / (t1 - t0)) * W, y = (v) => H - (v / hi) * H;
      const line = (key, color, dash) => { const e = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
        e.setAttribute("points", list.map((q) => x(q.observedAtMs).toFixed(1) + "," + y(q[key]).toFixed(1)).join(" "));
        e.setAttribute("fill", "none"); e.setAttribute("stroke", color); e.setAttribute("stroke-width", key === "balance" ? "2" : "1");
        if (dash) e.setAttribute("stroke-dasharray", dash); e.setAttribute("vector-effect", "non-scaling-stroke"); e.dataset.series = key; return e; };
      svg.replaceChildren(line("upperBand", "#9ccc65", "4 3"), line("lowerBand", "#9ccc65", "4 3"), line("target", "#fff59d", "1 3"),
        line("maintenanceMargin", "#ff9800"), line("floor", "#e53935"), line("balance", "#64b5f6"));
    }
    function onPlan(p) {
      if (state.plans.has(p.seq)) return;
      const row = el("tr", { class: "plan", "data-seq": p.seq, "data-created-ms": p.createdAtMs, "data-received-ms": p.receivedAtMs, "data-shown-ms": Date.now() });
      row.append(el("td", {}, "#" + p.seq), el("td", {}, time(p.createdAtMs)), el("td", {}, p.trigger));
      row.append(el("td", {}, p.transfers.map((t) => t.from + "→" + t.to + " " + money(t.amount)).join(", ")));
      const votes = el("td", {});
      for (const v of p.votes) votes.append(el("span", { class: "vote " + v.vote, "data-verifier": v.verifier, "data-vote": v.vote, title: v.vote }, v.verifier + (v.vote === "approve" ? " ✓" : v.vote === "invalid" ? " ✗" : " –")));
      row.append(votes);
      state.plans.set(p.seq, row);
      $("plans").prepend(row);
      while ($("plans").children.length > 30) $("plans").lastChild.remove();
    }
    function onTransfer(t) {
      if (t.decisionLatencyMs != null) {
        state.lat.push(t.decisionLatencyMs); if (state.lat.length > 500) state.lat.shift();
        const s = [...state.lat].sort((a, b) => a - b), q = (f) => s[Math.min(s.length - 1, Math.floor(f * s.length))].toFixed(2);
        $("lat-last").textContent = t.decisionLatencyMs.toFixed(2); $("lat-p50").textContent = q(0.5); $("lat-p95").textContent = q(0.95);
      }
      if (t.index < 0) return;
      const key = t.id;
      let row = state.transfers.get(key);
      if (t.state === "settled") { if (row) { row.remove(); state.transfers.delete(key); } return; }
      if (!row) { row = el("tr", { class: "transfer", "data-id": t.id }); state.transfers.set(key, row); $("transfers").prepend(row); }
      row.dataset.state = t.state;
      row.replaceChildren(el("td", {}, t.id), el("td", {}, t.state + (t.detail ? " (" + t.detail + ")" : "")), el("td", {}, t.executor));
      while (state.transfers.size > 50) { const [k, r] = state.transfers.entries().next().value; r.remove(); state.transfers.delete(k); }
    }
    function onAlert(a) {
      const box = el("div", { class: "alert " + a.kind, "data-kind": a.kind, "data-subject": a.subject }, time(a.atMs) + " · " + a.kind.replace("_", " ") + " · " + a.message);
      $("alerts").prepend(box);
      while ($("alerts").children.length > 20) $("alerts").lastChild.remove();
    }
    const handlers = { hello: onHello, venue: onVenue, plan: onPlan, transfer: onTransfer, alert: onAlert };
    const source = new EventSource("/events");
    for (const kind in handlers) source.addEventListener(kind, (e) => handlers[kind](JSON.parse(e.data)));
    source.onopen = () => { $("conn").textContent = "live"; };
    source.onerror = () => { $("conn").textContent = "reconnecting…"; };
    </script>
    </body>
    </html>
    """
}
