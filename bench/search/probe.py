#!/usr/bin/env python3
"""Measure what a first search query downloads, in headless Chromium, for casebook's
search page and for Pagefind, on the same built site served over local HTTP.

usage: probe.py SITE_DIR QUERIES_FILE OUT_JSON

SITE_DIR is a casebook build with Pagefind's index in SITE_DIR/pagefind/ (or without it, under
ENGINES=casebook, which probes casebook alone). For each query
a fresh page load runs the query; the local server (which forbids caching) records every
file it sends and its size, including those fetched by web workers. Casebook: the search page with ?q=, at a desk's width (1366 px: the filters are
shown, so the open facets' columns load) and a phone's (390 px: the filters are folded, so
they do not); done when the results list is filled. Pagefind: a harness page that calls pagefind.search() and loads data() for the first
10 results (what its default UI shows). Talks W3C WebDriver to chromedriver with urllib.
"""
import json, os, socket, subprocess, sys, tempfile, threading, time, urllib.request, urllib.parse
import http.server, functools

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

SERVED = []  # (path, bytes) sent since the last reset

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
    def copyfile(self, source, outputfile):
        data = source.read()
        SERVED.append((urllib.parse.unquote(self.path.split("?")[0]), len(data)))
        outputfile.write(data)
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

def wd(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())["value"]
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"WebDriver {method} {path}: {e.read()[:500]}")

HARNESS = """<!DOCTYPE html><meta charset="utf-8"><body><script type="module">
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/pagefind/pagefind.js");
const r = await pf.search(q);
const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
window.__done = {count: r.results.length, urls: data.map(d => d.url)};
</script></body>"""

def main():
    site, qfile, out = sys.argv[1], sys.argv[2], sys.argv[3]
    # ENGINES=casebook probes casebook alone (no Pagefind index needed), e.g. to compare two
    # casebook builds side by side.
    engines = os.environ.get("ENGINES", "casebook pagefind").split()
    queries = [l.strip() for l in open(qfile, encoding="utf-8") if l.strip() and not l.startswith("#")]
    with open(os.path.join(site, "pf-harness.html"), "w") as f:
        f.write(HARNESS)
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    dport = free_port()
    driver = subprocess.Popen([os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"), f"--port={dport}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{dport}"
    for _ in range(100):
        try:
            if wd(base, "GET", "/status")["ready"]: break
        except Exception: pass
        time.sleep(0.1)
    profile = tempfile.mkdtemp()
    caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}"]}}}}
    sid = wd(base, "POST", "/session", caps)["sessionId"]
    S = f"/session/{sid}"
    results = []
    try:
        wd(base, "POST", S + "/goog/cdp/execute", {"cmd": "Network.setCacheDisabled", "params": {"cacheDisabled": True}})
    except Exception:
        wd(base, "POST", S + "/chromium/send_command", {"cmd": "Network.setCacheDisabled", "params": {"cacheDisabled": True}})
    def run(url, done_js, what):
        wd(base, "POST", S + "/url", {"url": "about:blank"})
        time.sleep(0.2)
        SERVED.clear()
        t0 = time.time()
        wd(base, "POST", S + "/url", {"url": url})
        while True:
            v = wd(base, "POST", S + "/execute/sync", {"script": done_js, "args": []})
            if v is not None: break
            if time.time() - t0 > 60: raise RuntimeError(f"timeout: {what}")
            time.sleep(0.05)
        time.sleep(0.5)  # let late requests land
        return v, list(SERVED)
    for q in queries:
        enc = urllib.parse.quote(q)
        cb_done = ("const s=document.getElementById('search-status'); const l=document.querySelectorAll('#search-results li').length;"
                   "if (!s || /…$/.test(s.textContent) || (l===0 && !/“/.test(s.textContent))) return null;"
                   "return {count: +((s.textContent.match(/\\d+/)||[0])[0]), shown: l};")
        # A desk shows the filters (their facet columns load); a phone folds them away.
        for width in (1366, 390):
            wd(base, "POST", S + "/window/rect", {"width": width, "height": 900})
            v, res = run(f"http://127.0.0.1:{port}/search/?q={enc}", cb_done, "casebook " + q)
            idx = [(n, b) for n, b in res if "/search/idx/" in n]
            client = [(n, b) for n, b in res if n.endswith("/search.js")]
            results.append({"engine": "casebook", "width": width, "query": q, "count": v["count"], "requests": len(idx),
                            "index_bytes": sum(b for _, b in idx), "client_bytes": sum(b for _, b in client)})
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        if "pagefind" not in engines:
            continue
        v, res = run(f"http://127.0.0.1:{port}/pf-harness.html?q={enc}", "return window.__done || null", "pagefind " + q)
        pf = [(n, b) for n, b in res if "/pagefind/" in n]
        client = [(n, b) for n, b in pf if n.endswith(".js") or ".wasm" in n or "pagefind-entry" in n]
        idx = [(n, b) for n, b in pf if (n, b) not in client]
        results.append({"engine": "pagefind", "query": q, "count": v["count"], "requests": len(pf),
                        "index_bytes": sum(b for _, b in idx), "client_bytes": sum(b for _, b in client)})
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    wd(base, "DELETE", S)
    driver.terminate(); httpd.shutdown()
    os.remove(os.path.join(site, "pf-harness.html"))
    json.dump(results, open(out, "w"), ensure_ascii=False, indent=1)

if __name__ == "__main__":
    main()
