/* The site's own few lines of script, shared by every page (search has its own). */
/* The phone's menu button shows and hides the site's navigation (CSS hides it on phones
   only when this script runs, so without scripts the links stay in view). */
(function () {
  var b = document.querySelector(".menu-toggle"), nav = document.getElementById("site-nav");
  if (b && nav) b.addEventListener("click", function () {
    var open = b.getAttribute("aria-expanded") !== "true";
    b.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
})();
/* Opened from disk, folders do not open their index.html by themselves: add it. */
if (location.protocol === "file:") {
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a) return;
    var h = a.getAttribute("href");
    if (/^[a-z]+:/i.test(h) || h.charAt(0) === "#") return;
    var parts = h.split("#");
    if (parts[0] === "" || parts[0].slice(-1) === "/") { a.setAttribute("href", parts[0] + "index.html" + (parts[1] ? "#" + parts[1] : "")); }
  }, true);
  document.querySelectorAll("form[action]").forEach(function (f) {
    var act = f.getAttribute("action"); if (act.slice(-1) === "/") f.setAttribute("action", act + "index.html");
  });
}
