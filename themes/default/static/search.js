/* casebook search client. Hand-written, no build step, no dependencies.
 *
 * A port of src/search/{tokenize,query,reader,snippet}.rs: the same tokenizer, exact phrase
 * matching, BM25F ranking and facet counts as `casebook search`. Change them together.
 *
 * Index files are scripts that call window.__casebookSearch.add(name, payload), loaded by
 * <script> injection so the search also works from file://, where fetch is blocked.
 * State lives in the URL: search/?q=社工站&domain=养老服务&sort=date
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = script ? script.getAttribute("src").replace(/search\.js(\?.*)?$/, "") : "../";
  var IDX = ROOT + "search/idx/";
  var FILE = location.protocol === "file:";
  var PAGE = 10;          // results shown per step
  var FACET_SHOW = 8;     // facet values shown per level before "more"
  var OPEN_FACETS = ["domain", "region", "year"];  // the others load when opened
  var NAMES_PER_CHUNK = 64;
  var MAX_WORD_CHARS = 32;
  var LOC_NONE = 0, LOC_INLINE = 1, LOC_PACK = 2;
  var BEFORE = 30, WINDOW = 120;

  /* ---------- loading index files ---------- */

  var waiting = {};   // name -> [resolve, reject]
  var loaded = {};    // name -> Promise of the payload's bytes
  window.__casebookSearch = {
    add: function (name, payload) {
      var w = waiting[name];
      if (w) { delete waiting[name]; w[0](payload); }
    }
  };
  /* A file's payload: base64 of zlib-compressed bytes, inflated by the browser. */
  function loadBytes(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        waiting[name] = [resolve, reject];
        var s = document.createElement("script");
        s.src = IDX + name + ".js";
        s.async = true;
        s.onerror = function () { reject(new Error("cannot load " + name)); };
        s.onload = function () { s.remove(); if (waiting[name]) { delete waiting[name]; reject(new Error("bad file " + name)); } };
        document.head.appendChild(s);
      }).then(function (b64) {
        var bin = atob(b64), z = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) z[i] = bin.charCodeAt(i);
        var stream = new Blob([z]).stream().pipeThrough(new DecompressionStream("deflate"));
        return new Response(stream).arrayBuffer();
      }).then(function (buf) { return new Uint8Array(buf); }, function (e) { delete loaded[name]; throw e; });
    }
    return loaded[name];
  }
  function loadJson(name) {
    return loadBytes(name).then(function (b) { return JSON.parse(utf8.decode(b)); });
  }

  /* ---------- codecs (codec.rs) ---------- */

  function Reader(buf) { this.buf = buf; this.at = 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, b;
    do {
      if (this.at >= this.buf.length) throw new Error("corrupt index");
      b = this.buf[this.at++];
      v += (b & 127) * mul;
      mul *= 128;
    } while (b & 128);
    return v;
  };
  Reader.prototype.bytes = function (n) {
    if (this.at + n > this.buf.length) throw new Error("corrupt index");
    var s = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return s;
  };
  function BitReader(buf) { this.buf = buf; this.at = 0; }
  BitReader.prototype.get = function (width) {
    var v = 0;
    for (var i = 0; i < width; i++) {
      if ((this.buf[this.at >> 3] >> (this.at & 7)) & 1) v += Math.pow(2, i);
      this.at++;
    }
    return v;
  };
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function hex(v, width) { var s = (v >>> 0).toString(16); while (s.length < width) s = "0" + s; return s; }
  function bitsFor(n) { var b = 0; while (Math.pow(2, b) < n) b++; return b; }
  function shardName(shard, n) { return hex(shard, Math.max(1, Math.ceil(bitsFor(n) / 4))); }
  function packName(n) { return "p/" + n.toString(16); }
  var utf8 = new TextDecoder();

  /* ---------- tokenizer (tokenize.rs) ---------- */

  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
  }
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  function isWord(ch) { return !isCjk(ch.codePointAt(0)) && WORD.test(ch); }
  function normChar(ch) {
    if (ch.charCodeAt(0) < 128) return ch.toLowerCase();
    var out = "";
    for (var d of ch.normalize("NFKC")) out += d.toLowerCase();
    return out;
  }
  /* Tokens {text, pos, start, end}; start/end count code points of the original text. */
  function tokenize(text) {
    var out = [], word = "", wordLen = 0, wStart = 0, wEnd = 0, next = 0, gap = false, i = 0;
    function emit(t, s, e) { out.push({ text: t, pos: next, start: s, end: e }); next++; gap = false; }
    function flush() { if (wordLen > 0) { var w = word; word = ""; wordLen = 0; emit(w, wStart, wEnd); } }
    for (var ch of text) {
      for (var n of normChar(ch)) {
        if (isCjk(n.codePointAt(0))) { flush(); emit(n, i, i + 1); }
        else if (isWord(n)) {
          if (wordLen === 0) wStart = i;
          if (wordLen < MAX_WORD_CHARS) word += n;
          wordLen++;
          wEnd = i + 1;
        } else {
          flush();
          if (out.length && !gap) { next++; gap = true; }
        }
      }
      i++;
    }
    flush();
    return out;
  }
  function isCjkToken(t) { var a = Array.from(t); return a.length === 1 && isCjk(a[0].codePointAt(0)); }
  function gramKey(toks) {
    var k = "";
    toks.forEach(function (t, i) { if (i > 0 && !(isCjkToken(toks[i - 1]) && isCjkToken(t))) k += " "; k += t; });
    return k;
  }
  function bigramKey(a, b) { return gramKey([a, b]); }
  function parseQuery(q) {
    var terms = [], cur = [], last = null;
    function push(t) { var k = t.join("\u0000"); if (!terms.some(function (x) { return x.join("\u0000") === k; })) terms.push(t); }
    tokenize(q).forEach(function (t) {
      if (last !== null && t.pos !== last + 1 && cur.length) { push(cur); cur = []; }
      last = t.pos;
      cur.push(t.text);
    });
    if (cur.length) push(cur);
    return terms;
  }

  /* ---------- index access (reader.rs) ---------- */

  var metaP = null;
  function meta() {
    if (!metaP) metaP = loadJson("meta").then(function (m) {
      if (m.v !== 3) throw new Error("unsupported index version " + m.v);
      return m;
    });
    return metaP;
  }
  var dshards = {};
  function dshard(m, key) {
    var shard = (fnv1a(key) & (m.ds - 1)) >>> 0, name = "d/" + shardName(shard, m.ds);
    if (!dshards[name]) dshards[name] = loadBytes(name).then(function (b) {
      var r = new Reader(b), n = r.varint(), map = new Map();
      for (var i = 0; i < n; i++) {
        var key = utf8.decode(r.bytes(r.varint()));
        var e = { df: r.varint() };
        e.post = parsePlaced(r);
        e.pos = parsePlaced(r);
        e.ext = e.pos.loc === LOC_NONE ? [] : parseTree(r, 0);
        map.set(key, e);
      }
      return map;
    });
    return dshards[name];
  }
  function parsePlaced(r) {
    var p = { loc: r.varint() };
    p.len = r.varint();
    if (p.loc === LOC_INLINE) p.inline = r.bytes(p.len);
    else if (p.loc === LOC_PACK) { p.pack = r.varint(); p.offset = r.varint(); }
    else if (p.loc !== LOC_NONE) throw new Error("corrupt index");
    return p;
  }
  function parseTree(r, depth) {
    var n = r.varint(), out = [];
    if (depth > 8) throw new Error("corrupt index");
    for (var i = 0; i < n; i++) {
      var c = { token: utf8.decode(r.bytes(r.varint())), df: r.varint() };
      c.post = parsePlaced(r);
      c.pos = parsePlaced(r);
      c.children = parseTree(r, depth + 1);
      out.push(c);
    }
    return out;
  }
  function gram(m, key) { return dshard(m, key).then(function (map) { return map.get(key) || null; }); }
  /* The bytes of a list: inline, or a slice of its pack. */
  function listBytes(p) {
    if (p.loc === LOC_NONE) return Promise.resolve(new Uint8Array(0));
    if (p.loc === LOC_INLINE) return Promise.resolve(p.inline);
    return loadBytes(packName(p.pack)).then(function (b) {
      if (p.offset + p.len > b.length) throw new Error("corrupt index");
      return b.subarray(p.offset, p.offset + p.len);
    });
  }
  /* [[doc, [tf x4]], ...] */
  function readTf(r) {
    var h = r.varint(), mask = h % 16, tf = [0, 0, 0, 0], first = true;
    for (var f = 0; f < 4; f++) {
      if (mask & (1 << f)) { tf[f] = (first ? Math.floor(h / 16) : r.varint()) + 1; first = false; }
    }
    return tf;
  }
  function readPositions(r, tf) {
    var fields = [[], [], [], []];
    for (var f = 0; f < 4; f++) {
      var at = 0;
      for (var j = 0; j < tf[f]; j++) { var v = r.varint(); at = j === 0 ? v : at + v; fields[f].push(at); }
    }
    return fields;
  }
  function decodePostings(bytes, df, n) {
    var r = new Reader(bytes), out = [], doc = 0;
    for (var i = 0; i < df; i++) {
      var d = r.varint();
      doc = i === 0 ? d : doc + d;
      if (doc >= n) throw new Error("corrupt index");
      out.push([doc, readTf(r)]);
    }
    return out;
  }
  function decodePositions(post, bytes) {
    var r = new Reader(bytes);
    return post.map(function (p) { return readPositions(r, p[1]); });
  }

  /* ---------- matching and ranking (query.rs) ---------- */

  function idf(n, df) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  function locCost(m, p) { return p.loc === LOC_PACK ? Math.max(p.len, m.pc) : 0; }

  /* Intervals {start, len, cost}; same DP and tie rule as query.rs cheapest_cover. */
  function cheapestCover(n, iv) {
    var best = [], prev = [];
    for (var x = 0; x <= n; x++) best.push(null);
    best[0] = 0;
    for (var j = 0; j < n; j++) {
      if (best[j] === null) continue;
      for (var k = 0; k < iv.length; k++) {
        var v = iv[k], end = v.start + v.len;
        if (v.start <= j && end > j) {
          var c = best[j] + v.cost;
          if (best[end] === null || c < best[end]) { best[end] = c; prev[end] = [j, k]; }
        }
      }
    }
    var out = [];
    for (var at = n; at > 0 && best[at] !== null; at = prev[at][0]) out.push(prev[at][1]);
    return out.reverse();
  }

  function bsearch(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else if (a[mid] > x) hi = mid; else return true; }
    return false;
  }

  /* Resolves to postings [[doc, tf]] of the cases where the phrase `term` occurs. */
  /* Every case of the term (not only those of earlier terms), so its IDF is its own. */
  function matchTerm(m, term) {
    if (term.length <= 2) {
      var key = term.length === 1 ? term[0] : bigramKey(term[0], term[1]);
      return gram(m, key).then(function (g) {
        if (!g) return [];
        return listBytes(g.post).then(function (b) { return decodePostings(b, g.df, m.n); });
      });
    }
    var n = term.length, keys = [];
    for (var i = 0; i + 1 < n; i++) keys.push(bigramKey(term[i], term[i + 1]));
    return Promise.all(keys.map(function (k) { return gram(m, k); })).then(function (entries) {
      if (entries.some(function (g) { return !g; })) return [];
      var iv = [];
      entries.forEach(function (g, i) {
        iv.push({ start: i, len: 2, cost: locCost(m, g.post) + locCost(m, g.pos), key: keys[i], df: g.df, post: g.post, pos: g.pos });
        var nodes = g.ext, len = 2;
        while (i + len < n) {
          var c = null;
          for (var k = 0; k < nodes.length; k++) if (nodes[k].token === term[i + len]) { c = nodes[k]; break; }
          if (!c) break;
          len++;
          iv.push({ start: i, len: len, cost: locCost(m, c.post) + locCost(m, c.pos), key: gramKey(term.slice(i, i + len)), df: c.df, post: c.post, pos: c.pos });
          nodes = c.children;
        }
      });
      var whole = iv.filter(function (v) { return v.start === 0 && v.len === n; })[0];
      if (whole) return listBytes(whole.post).then(function (b) { return decodePostings(b, whole.df, m.n); });
      iv = iv.filter(function (v) { return v.pos.loc !== LOC_NONE; });
      return Promise.all(cheapestCover(n, iv).map(function (ci) {
        var v = iv[ci];
        return Promise.all([listBytes(v.post), listBytes(v.pos)]).then(function (b) {
          var p = decodePostings(b[0], v.df, m.n), pos = decodePositions(p, b[1]), map = new Map();
          p.forEach(function (x, k) { map.set(x[0], pos[k]); });
          return [v.start, map];
        });
      })).then(function (lists) {
        if (!lists.length) return [];
        var docs = Array.from(lists[0][1].keys()).sort(function (a, b) { return a - b; });
        var out = [];
        docs.forEach(function (d) {
          var p0 = lists[0][1].get(d), tf = [0, 0, 0, 0];
          for (var f = 0; f < 4; f++) {
            tf[f] = p0[f].filter(function (s) {
              for (var l = 1; l < lists.length; l++) {
                var p = lists[l][1].get(d);
                if (!p || !bsearch(p[f], s + lists[l][0])) return false;
              }
              return true;
            }).length;
          }
          if (tf.some(function (t) { return t > 0; })) out.push([d, tf]);
        });
        return out;
      });
    });
  }

  /* Runs terms one after another (AND), like query.rs: Map doc -> score. */
  function scoreTerms(m, terms) {
    var scored = null, chain = Promise.resolve();
    terms.forEach(function (term) {
      chain = chain.then(function () { return matchTerm(m, term); }).then(function (matches) {
        var w = idf(m.n, matches.length), next = new Map();
        matches.forEach(function (p) {
          var prev = 0;
          if (scored) { if (!scored.has(p[0])) return; prev = scored.get(p[0]); }
          var tfw = 0;
          for (var f = 0; f < 4; f++) tfw += m.fw[f] * p[1][f];
          next.set(p[0], prev + w * tfw * (m.k1 + 1) / (tfw + m.k1));
        });
        scored = next;
      });
    });
    return chain.then(function () { return scored; });
  }

  /* ---------- facets (facets.rs, query.rs) ---------- */

  var cols = {};
  function facetCol(m, fm) {
    if (!cols[fm.s]) cols[fm.s] = loadJson("f/" + fm.s).then(function (v) {
      var bytes = Uint8Array.from(atob(v.b), function (c) { return c.charCodeAt(0); });
      var stored = [], i, j;
      if (v.m === 0) {
        var br = new BitReader(bytes);
        for (i = 0; i < m.n; i++) { var mask = br.get(fm.n), ids = []; for (j = 0; j < fm.n; j++) if (Math.floor(mask / Math.pow(2, j)) % 2) ids.push(j); stored.push(ids); }
      } else if (v.m === 1) {
        var b1 = new BitReader(bytes);
        for (i = 0; i < m.n; i++) { var c = b1.get(v.cb), l = []; for (j = 0; j < c; j++) l.push(b1.get(v.ib)); stored.push(l); }
      } else {
        var r = new Reader(bytes);
        while (stored.length < m.n) { var val = r.varint(), run = r.varint(); if (!run) throw new Error("corrupt index"); for (j = 0; j < run; j++) stored.push(val ? [val - 1] : []); }
      }
      var parent = (v.p || []).map(function (p) { return p === 0 ? -1 : p - 1; });
      var perDoc = stored.map(function (ids) {
        var all = [];
        ids.forEach(function (id) {
          for (var cur = id, steps = 0; cur !== -1 && cur !== undefined && all.indexOf(cur) < 0 && steps <= 16; steps++) {
            all.push(cur);
            cur = parent.length ? parent[cur] : -1;
          }
        });
        return all;
      });
      return { fm: fm, parent: parent, perDoc: perDoc };
    });
    return cols[fm.s];
  }
  /* A facet's column loads when it is open (by default, or when the reader opens it) while
     the filters are shown, or when a filter uses it. `st` is the query's state (the
     page's by default); `st.panel` is false while a phone folds the filters away. */
  function facetOpen(key, st) {
    st = st || state;
    if (st.filters.some(function (f) { return f[0] === key; })) return true;
    if (st.panel === false) return false;   // the filters are folded away: nothing to count
    return st.open[key] !== undefined ? st.open[key] : OPEN_FACETS.indexOf(key) >= 0;
  }
  function parentOf(col, v) { return col.parent.length ? col.parent[v] : -1; }
  function valueName(col, id) {
    return loadJson("fn/" + col.fm.s + "-" + Math.floor(id / NAMES_PER_CHUNK)).then(function (a) { return a[id % NAMES_PER_CHUNK]; });
  }
  function valueId(col, value) {
    var id = 0;
    function step() {
      if (id >= col.fm.n) return Promise.resolve(-2);   // no case has it
      return valueName(col, id).then(function (name) { if (name === value) return id; id++; return step(); });
    }
    return step();
  }

  function levelIds(col, counts, selected, parent, limit) {
    var ids = [];
    for (var v = 0; v < counts.length; v++) {
      if (parentOf(col, v) === parent && (counts[v] > 0 || selected.indexOf(v) >= 0)) ids.push(v);
    }
    ids.sort(function (a, b) { return counts[b] - counts[a] || a - b; });
    var kept = ids.slice(0, limit);
    selected.forEach(function (s) { if (ids.indexOf(s) >= 0 && kept.indexOf(s) < 0) kept.push(s); });
    return kept;
  }
  function facetOrder(col, counts, selected, limit) {
    var open = [];
    selected.forEach(function (s) { for (var c = s; c >= 0 && open.indexOf(c) < 0; c = parentOf(col, c)) open.push(c); });
    var order = [], stack = [[-1, 0]];
    while (stack.length) {
      var top = stack.pop(), parent = top[0], depth = top[1];
      var ids = levelIds(col, counts, selected, parent, limit);
      var at = 0;
      if (parent >= 0) { at = order.length; for (var k = 0; k < order.length; k++) if (order[k][0] === parent) { at = k + 1; break; } }
      ids.forEach(function (id, j) {
        order.splice(at + j, 0, [id, depth]);
        if (open.indexOf(id) >= 0 && col.parent.length) stack.push([id, depth + 1]);
      });
    }
    return order;
  }

  /* The whole query: resolves to {hits: [[doc, score, unrounded score]], facets: [{key, values}]} */
  function run(state) {
    return meta().then(function (m) {
      var terms = parseQuery(state.q);
      return Promise.all([
        scoreTerms(m, terms),
        Promise.all(m.facets.map(function (fm) { return facetOpen(fm.k, state) ? facetCol(m, fm) : null; }))
      ]).then(function (res) {
        var scored = res[0], all = res[1], fcols = all.filter(Boolean);
        var matching = [];
        if (scored) scored.forEach(function (s, d) { matching.push([d, Math.round(s * 1000), s]); });
        else for (var d = 0; d < m.n; d++) matching.push([d, 0]);
        return Promise.all(fcols.map(function (col) {
          var want = state.filters.filter(function (f) { return f[0] === col.fm.k; });
          return Promise.all(want.map(function (f) { return valueId(col, f[1]); }));
        })).then(function (sel) {
          var selected = sel.map(function (ids) { return ids.filter(function (x, i) { return ids.indexOf(x) === i; }); });
          var counts = fcols.map(function (c) { return new Array(c.fm.n).fill(0); });
          var hits = [];
          matching.forEach(function (h) {
            var fails = [];
            fcols.forEach(function (col, k) {
              if (selected[k].length && !col.perDoc[h[0]].some(function (v) { return selected[k].indexOf(v) >= 0; })) fails.push(k);
            });
            fcols.forEach(function (col, k) {
              if (fails.length === 0 || (fails.length === 1 && fails[0] === k)) col.perDoc[h[0]].forEach(function (v) { counts[k][v]++; });
            });
            if (!fails.length) hits.push(h);
          });
          if (state.sort === "date") hits.sort(function (a, b) { return a[0] - b[0]; });
          else hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
          return Promise.all(fcols.map(function (col, k) {
            var order = facetOrder(col, counts[k], selected[k], state.more[col.fm.k] ? Infinity : FACET_SHOW);
            return Promise.all(order.map(function (o) { return valueName(col, o[0]); })).then(function (names) {
              var total = levelIds(col, counts[k], selected[k], -1, Infinity).length;
              return {
                key: col.fm.k, truncated: total > FACET_SHOW && !state.more[col.fm.k],
                values: order.map(function (o, i) {
                  return { value: names[i], label: names[i].split("/").pop(), count: counts[k][o[0]], selected: selected[k].indexOf(o[0]) >= 0, depth: o[1] };
                })
              };
            });
          })).then(function (facets) {
            var loaded = facets.slice();
            facets = all.map(function (col, i) { return col ? loaded.shift() : { key: m.facets[i].k, closed: true, values: [] }; });
            return { hits: hits, facets: facets, terms: terms };
          });
        });
      });
    });
  }

  /* ---------- snippets (snippet.rs) ---------- */

  function matchRanges(toks, terms) {
    var out = [];
    terms.forEach(function (term) {
      for (var i = 0; i < toks.length; i++) {
        var ok = term.every(function (t, j) { var k = toks[i + j]; return k && k.text === t && k.pos === toks[i].pos + j; });
        if (ok) out.push([toks[i].start, toks[i + term.length - 1].end]);
      }
    });
    return out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  }
  function snippetParts(body, bodyMore, summary, terms) {
    var texts = [[body, bodyMore], [summary, false]];
    for (var t = 0; t < 2; t++) {
      var ranges = matchRanges(tokenize(texts[t][0]), terms);
      if (ranges.length) return cut(texts[t][0], Math.max(0, ranges[0][0] - BEFORE), ranges, texts[t][1]);
    }
    var x = !blank(summary) ? [summary, false] : [body, bodyMore];
    return !blank(x[0]) ? cut(x[0], 0, [], x[1]) : [];
  }
  /* Display data of case `id` and as much of its body as the snippet needs: further chunks
     are fetched one at a time, until a match shows (as query.rs). */
  function displayDoc(id, terms) {
    return meta().then(function (m) { return loadJson("doc/" + Math.floor(id / m.dp)).then(function (pack) { return pack[id % m.dp]; }); }).then(function (d) {
      if (!d || typeof d !== "object") throw new Error("corrupt index");
      function more(body, next) {
        if (next > d.m || headSuffices(body, d.s, terms)) return { d: d, body: body, more: next <= d.m };
        return loadJson("doc/" + id + "-" + next).then(function (c) { return more(body + c, next + 1); });
      }
      return more(d.b, 1);
    });
  }
  /* Only Unicode White_Space, as Rust's trim (String.prototype.trim also drops U+FEFF, not U+0085). */
  function blank(s) { return /^\p{White_Space}*$/u.test(s); }
  function headSuffices(head, summary, terms) {
    return [head, summary].some(function (t) { return matchRanges(tokenize(t), terms).length > 0; });
  }
  function cut(text, from, ranges, more) {
    var chars = Array.from(text), to = Math.min(from + WINDOW, chars.length), parts = [], at = from;
    function push(s, hit) {
      if (!s) return;
      var last = parts[parts.length - 1];
      if (last && last[1] === hit) last[0] += s; else parts.push([s, hit]);
    }
    if (from > 0) push("…", false);
    ranges.forEach(function (r) {
      var s = Math.max(r[0], at), e = Math.min(r[1], to);
      if (s >= e) return;
      push(chars.slice(at, s).join(""), false);
      push(chars.slice(s, e).join(""), true);
      at = e;
    });
    push(chars.slice(at, to).join(""), false);
    if (to < chars.length || more) push("…", false);
    return parts;
  }

  /* The engine alone: tests/search_engines.rs runs this file under node, where a stand-in
     for the page takes the engine here and the page below never runs. */
  if (typeof window.__casebookSearchEngine === "function") {
    window.__casebookSearchEngine({ run: run, displayDoc: displayDoc, snippetParts: snippetParts });
    return;
  }

  /* ---------- page ---------- */

  var cfg = {};
  try { cfg = JSON.parse(document.getElementById("search-config").textContent); } catch (e) { cfg = { labels: {}, t: {} }; }
  var $ = function (id) { return document.getElementById(id); };
  var form = $("search-form"), input = $("search-q"), sortSel = $("search-sort"), status = $("search-status");
  var list = $("search-results"), moreBtn = $("search-more"), facetsEl = $("search-facets");
  var state = readUrl(), shown = 0, current = null, seq = 0;
  var panel = $("search-filter-panel"), filterCount = $("search-filter-count");
  /* Beside the results on a desk the filters are always open; on a phone they fold. */
  if (panel && window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) panel.open = true;
  /* Folded filters count nothing, so a phone does not download the facet columns until
     the reader unfolds them. */
  state.panel = !panel || panel.open;
  if (panel) panel.addEventListener("toggle", function () {
    if (state.panel === panel.open) return;
    state.panel = panel.open;
    if (panel.open) refreshFacets();
  });
  state.more.year = true;   // a handful of years: all shown, in order of the year

  function readUrl() {
    var p = new URLSearchParams(location.search), filters = [];
    p.forEach(function (v, k) { if (k !== "q" && k !== "sort" && v) filters.push([k, v]); });
    return { q: p.get("q") || "", sort: p.get("sort") === "date" ? "date" : "", filters: filters, more: {}, open: {} };
  }
  function writeUrl() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    state.filters.forEach(function (f) { p.append(f[0], f[1]); });
    if (state.sort) p.set("sort", state.sort);
    var qs = p.toString();
    try { history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "")); } catch (e) { /* file:// may refuse */ }
  }
  function fill(s, v) { return (s || "").replace("{}", v); }
  function link(url) {
    var h = ROOT + url;
    if (FILE && (h === "" || h.slice(-1) === "/")) h += "index.html";
    return h;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function search() {
    var my = ++seq;
    writeUrl();
    if (!state.q.trim() && !state.filters.length) {
      status.textContent = cfg.t.prompt || "";
      list.textContent = "";
      moreBtn.hidden = true;
    } else {
      status.textContent = cfg.t.loading || "…";
    }
    return run(state).then(function (res) {
      if (my !== seq) return;
      current = res;
      shown = 0;
      list.textContent = "";
      renderFacets(res.facets);
      if (!state.q.trim() && !state.filters.length) return;
      status.textContent = res.hits.length ? fill(cfg.t.count, res.hits.length) : fill(cfg.t.none, state.q.trim());
      return showMore(my);
    }).catch(function (e) {
      if (my !== seq) return;
      status.textContent = (typeof DecompressionStream === "undefined" && cfg.t.old_browser) || cfg.t.error || String(e);
      if (window.console) console.error(e);
    });
  }

  function showMore(my) {
    var res = current, from = shown, page = res.hits.slice(from, from + PAGE);
    shown = from + page.length;
    /* Shown once the results above it are in place: a button that appears and is then
       pushed down by them is a layout shift. */
    if (!page.length) moreBtn.hidden = true;
    return Promise.all(page.map(function (h) { return displayDoc(h[0], res.terms); })).then(function (docs) {
      if (my !== seq) return;
      docs.forEach(function (x) {
        var d = x.d, li = el("li", "search-hit"), a = el("a", "search-title", d.t);
        /* The cover's smallest thumbnail, as on the cards: its box has a fixed width and
           aspect ratio (search.css), so the result does not move when the photo arrives. */
        if (d.p) {
          var thumb = el("div", "card-thumb search-thumb"), pic = el("picture"), src = el("source"), img = el("img");
          src.type = "image/webp";
          src.srcset = link(d.p[0]);
          img.src = link(d.p[1]);
          img.alt = "";
          img.loading = "lazy";
          img.decoding = "async";
          pic.appendChild(src);
          pic.appendChild(img);
          thumb.appendChild(pic);
          li.appendChild(thumb);
          li.className += " has-thumb";
        }
        var body = el("div", "search-body");
        a.href = link(d.u);
        body.appendChild(a);
        var meta = [d.r.join(" · "), d.d].filter(Boolean).join(" · ");
        body.appendChild(el("p", "search-meta muted", meta));
        var parts = snippetParts(x.body, x.more, d.s, res.terms);
        if (parts.length) {
          var p = el("p", "search-snippet");
          parts.forEach(function (part) { p.appendChild(part[1] ? el("mark", null, part[0]) : document.createTextNode(part[0])); });
          body.appendChild(p);
        }
        li.appendChild(body);
        list.appendChild(li);
      });
      moreBtn.hidden = shown >= res.hits.length;
    });
  }

  /* The facets of the current query again (its results stay as they are). */
  function refreshFacets() {
    var my = seq;
    return run(state).then(function (res) { if (my === seq) renderFacets(res.facets); })
      .catch(function (e) { if (window.console) console.error(e); });
  }

  function renderFacets(facets) {
    facetsEl.textContent = "";
    if (filterCount) filterCount.textContent = state.filters.length ? String(state.filters.length) : "";
    facets.forEach(function (f) {
      if (!f.closed && !f.values.length) return;
      if (f.key === "year") f.values.sort(function (a, b) { return a.value < b.value ? 1 : a.value > b.value ? -1 : 0; });
      var box = el("details", "search-facet"), legend = el("summary", null, cfg.labels[f.key] || f.key);
      box.open = !f.closed;
      box.setAttribute("data-key", f.key);
      box.appendChild(legend);
      box.addEventListener("toggle", function () {
        if (box.open !== facetOpen(f.key)) { state.open[f.key] = box.open; if (box.open) search(); }
      });
      f.values.forEach(function (v) {
        var lab = el("label", "facet-value depth-" + Math.min(v.depth, 3)), cb = el("input");
        cb.type = "checkbox";
        cb.checked = v.selected;
        cb.addEventListener("change", function () {
          if (cb.checked) state.filters.push([f.key, v.value]);
          else state.filters = state.filters.filter(function (x) { return !(x[0] === f.key && x[1] === v.value); });
          search();
        });
        lab.appendChild(cb);
        lab.appendChild(el("span", "facet-label", v.label));
        lab.appendChild(el("span", "count", String(v.count)));
        box.appendChild(lab);
      });
      if (f.truncated) {
        var more = el("button", "facet-more", cfg.t.more_values || "+");
        more.type = "button";
        more.addEventListener("click", function () { state.more[f.key] = true; search(); });
        box.appendChild(more);
      }
      facetsEl.appendChild(box);
    });
    if (state.filters.length) {
      var clear = el("button", "facet-clear", cfg.t.clear || "×");
      clear.type = "button";
      clear.addEventListener("click", function () { state.filters = []; search(); });
      facetsEl.insertBefore(clear, facetsEl.firstChild);
    }
  }

  var timer = null;
  input.value = state.q;
  sortSel.value = state.sort;
  var header = document.getElementById("header-q");
  if (header) header.value = state.q;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; search(); }, 150);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    state.q = input.value;
    search().then(function () { var a = list.querySelector("a"); if (a && document.activeElement === input && window.innerWidth < 700) a.focus(); });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { var a = list.querySelector("a"); if (a) { e.preventDefault(); a.focus(); } }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a.search-title"));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
    else if (e.key === "ArrowUp") (i > 0 ? links[i - 1] : input).focus();
  });
  sortSel.addEventListener("change", function () { state.sort = sortSel.value; search(); });
  moreBtn.addEventListener("click", function () { showMore(seq); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) { e.preventDefault(); input.focus(); }
  });
  if (state.q || state.filters.length) search(); else { input.focus(); search(); }
})();
