// Runs the browser's search engine (themes/default/static/search.js) under node, for
// tests/search_engines.rs: `node search_node.js JOB.json` where JOB is
//   {"js": "path/to/search.js", "sites": [{"dir": "built site", "queries": [
//     {"q": "社工 站", "filters": [["region", "宁夏回族自治区"]], "sort": "date", "display": 10}]}]}
// and prints one JSON array per site, one result per query:
//   {"total", "hits": [[id, score, unrounded score]], "facets": [{key, values}], "shown":
//    [{"u", "t", "d", "r", "p", "parts"}]} or {"error": "..."}.
// The page is a stand-in: index files are "loaded" through the same <script> injection the
// browser uses, read from disk and run with `window` bound to this site's engine.
"use strict";
const fs = require("fs");
const path = require("path");

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const source = fs.readFileSync(job.js, "utf8");
const run = new Function("window", "document", "location", source);

/* A fresh engine (with empty caches) over the site built in `dir`. */
function engine(dir) {
  const page = path.join(dir, "search");
  const win = {};
  const doc = {
    currentScript: null, // search.js then takes "../" as the site root, as on search/
    createElement: () => ({ remove() {} }),
    head: {
      appendChild(s) {
        setImmediate(() => {
          let text;
          try {
            text = fs.readFileSync(path.resolve(page, s.src), "utf8");
          } catch (e) {
            s.onerror(e);
            return;
          }
          new Function("window", text)(win);
          s.onload();
        });
      },
    },
  };
  let got = null;
  win.__casebookSearchEngine = (e) => { got = e; };
  run(win, doc, { protocol: "http:" });
  if (!got) throw new Error("search.js did not hand over its engine");
  return got;
}

const every = new Proxy({}, { get: () => true });

async function query(e, q) {
  const state = { q: q.q, sort: q.sort === "date" ? "date" : "", filters: q.filters, more: every, open: every };
  const res = await e.run(state);
  const shown = [];
  for (const h of res.hits.slice(0, q.display)) {
    const x = await e.displayDoc(h[0], res.terms);
    shown.push({ u: x.d.u, t: x.d.t, d: x.d.d, r: x.d.r, p: x.d.p || null, parts: e.snippetParts(x.body, x.more, x.d.s, res.terms) });
  }
  return {
    total: res.hits.length,
    hits: res.hits.map((h) => [h[0], h[1], h.length > 2 ? h[2] : 0]),
    facets: res.facets.map((f) => ({ key: f.key, values: f.values })),
    shown,
  };
}

(async () => {
  const out = [];
  for (const site of job.sites) {
    const e = engine(site.dir);
    const results = [];
    for (const q of site.queries) {
      try {
        results.push(await query(e, q));
      } catch (err) {
        results.push({ error: String(err && err.stack ? err.stack : err) });
      }
    }
    out.push(results);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
