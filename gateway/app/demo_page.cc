#include "app/demo_page.h"

namespace ssegw::app {

// Kept as one literal so the binary needs no files at run time. The empty inline icon
// keeps browsers from asking for /favicon.ico (a 404 in every console). The latest value
// stays on one line: a clock ("2026-11-21T06:30:10Z") fits the narrowest box.
const std::string_view kDemoPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sse-gateway demo</title>
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  .summary { color: #555; margin-bottom: 1.2rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; }
  section { border: 1px solid #ddd; border-radius: 8px; padding: .8rem 1rem; }
  h2 { font-size: 1rem; margin: 0 0 .4rem; font-family: ui-monospace, monospace; }
  .state { font-size: .85rem; }
  .open { color: #0a7d32; } .connecting { color: #b26b00; } .closed { color: #b00020; }
  .latest { font: 1.15rem/1.4 ui-monospace, monospace; margin: .4rem 0; min-height: 1.6rem;
            white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  ol { font: .8rem ui-monospace, monospace; color: #555; padding-left: 1.2rem; margin: 0; }
  code { background: #f3f3f3; padding: 0 .2rem; border-radius: 3px; }
</style>
</head>
<body>
<h1>sse-gateway demo</h1>
<p class="summary">Open streams: <b id="open-count">0</b> of <span id="total-count">0</span>.
  Publish your own: <code>sse-publish --topic clock --data hello</code></p>
<div class="grid" id="grid"></div>
<script>
"use strict";
const sources = [
  { title: "/events/clock", url: "/events/clock" },
  { title: "/events/counter", url: "/events/counter" },
  { title: "/events?topic=clock&topic=counter", url: "/events?topic=clock&topic=counter" },
];
const grid = document.getElementById("grid");
document.getElementById("total-count").textContent = sources.length;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function updateOpenCount() {
  const open = sources.filter((s) => s.es && s.es.readyState === EventSource.OPEN).length;
  document.getElementById("open-count").textContent = open;
}

for (const source of sources) {
  const box = element("section");
  box.append(element("h2", "", source.title));
  const state = element("div", "state connecting", "connecting");
  const latest = element("div", "latest", "…");
  const log = element("ol");
  box.append(state, latest, log);
  grid.append(box);

  let opens = 0, errors = 0;
  const showState = () => {
    const names = ["connecting", "open", "closed"];
    const name = names[source.es.readyState];
    state.className = "state " + name;
    state.textContent = name + " · opened " + opens + "× · errors " + errors +
        " · reconnects " + Math.max(0, opens - 1);
    updateOpenCount();
  };

  source.es = new EventSource(source.url);
  source.es.addEventListener("open", () => { opens++; showState(); });
  source.es.addEventListener("error", () => { errors++; showState(); });
  const onEvent = (e) => {
    latest.textContent = e.data;
    const line = element("li", "", (e.lastEventId ? "#" + e.lastEventId + " " : "") +
        (e.type === "message" ? "" : e.type + ": ") + e.data);
    log.prepend(line);
    while (log.children.length > 8) log.lastChild.remove();
  };
  source.es.addEventListener("message", onEvent);
  source.es.addEventListener("gap", onEvent);
}
</script>
</body>
</html>
)html";

}  // namespace ssegw::app
