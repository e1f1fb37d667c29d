// Live SMS part count for a textarea with data-segments="<id of the counter>" (mirrors coop/messaging/texts.py).
(function () {
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENDED = "^{}\\[~]|€\f";
  function count(text) {
    var chars = Array.from(text), gsm = chars.every(function (c) { return BASIC.indexOf(c) >= 0 || EXTENDED.indexOf(c) >= 0; });
    var sizes = chars.map(function (c) { return gsm ? (EXTENDED.indexOf(c) >= 0 ? 2 : 1) : (c.length); });
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67, units = sizes.reduce(function (a, b) { return a + b; }, 0);
    if (units <= single) { return {enc: gsm ? "GSM-7" : "UCS-2", units: units, parts: units ? 1 : 0, left: single - units}; }
    var parts = 1, used = 0;
    sizes.forEach(function (s) { if (used + s > multi) { parts += 1; used = 0; } used += s; });
    return {enc: gsm ? "GSM-7" : "UCS-2", units: units, parts: parts, left: multi - used};
  }
  document.querySelectorAll("textarea[data-segments]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-segments"));
    function show() { var c = count(area.value); out.textContent = c.parts + " × SMS (" + c.enc + "): " + c.units + " / " + c.left; }
    area.addEventListener("input", show);
  });
})();
