/// The CSS and shared pieces of Attune's HTML pages (`HTMLReport`, `HTMLExport`).
///
/// One self-contained page: system fonts only, no scripts, nothing fetched. Sizes are in `rem`
/// on a root size that grows with the window (15 px on a phone, up to 21 px on a wide projector);
/// grids collapse to one column on a phone; long words wrap instead of scrolling the page.
/// Secure and insecure are told apart by sign, label and pattern as well as by colour.
enum HTMLStyleSheet {
  static let css = """
    :root{color-scheme:light dark;--bg:#fff;--fg:#1c1c22;--muted:#575a6b;--card:#f4f5f8;--line:#d3d6de;\
    --accent:#2d52cc;--sec:#146c47;--sec-bg:#dcf2e6;--ins:#b02a1f;--ins-bg:#fce3df;--calm-bg:#e2f3e9;\
    --flood-bg:#fbe4e1;--hatch:#e7a49b;--warn-bg:#fff3d3}
    @media (prefers-color-scheme:dark){:root{--bg:#15161b;--fg:#ececf1;--muted:#a8abba;--card:#1f2129;\
    --line:#3a3d49;--accent:#93a9ff;--sec:#66d4a3;--sec-bg:#173527;--ins:#ff8d80;--ins-bg:#47201c;\
    --calm-bg:#183024;--flood-bg:#3b201d;--hatch:#7b3d35;--warn-bg:#3a3217}}
    *{box-sizing:border-box}
    html{font-size:clamp(15px,0.4vw + 13.5px,21px);-webkit-text-size-adjust:100%;text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--fg);line-height:1.45;overflow-wrap:anywhere;\
    font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
    main{max-width:120rem;margin:0 auto;padding:1rem clamp(.75rem,2.5vw,2.5rem) 3rem}
    main.narrow{max-width:54rem}
    h1{font-size:1.75rem;line-height:1.2;margin:.4rem 0}
    h2{font-size:1.35rem;margin:2.2rem 0 .7rem;padding-bottom:.2rem;border-bottom:2px solid var(--line)}
    h3{font-size:1.1rem;margin:0}
    h4{font-size:1rem;margin:.9rem 0 .3rem}
    p{margin:.4rem 0}
    .lede{font-size:1.1rem}
    .muted,.meta,.legend{color:var(--muted)}
    .meta,.legend{font-size:.88rem}
    .cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,25rem),1fr));align-items:start}
    .cards.tiles{grid-template-columns:repeat(auto-fill,minmax(min(100%,18rem),1fr))}
    .cards.half{grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr))}
    .cards.wide{grid-template-columns:repeat(auto-fit,minmax(min(100%,34rem),1fr))}
    .card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.85rem 1rem;min-width:0}
    .card>header{display:flex;flex-wrap:wrap;gap:.3rem .6rem;align-items:baseline;justify-content:space-between}
    .stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(6.2rem,1fr));gap:.4rem;margin:.6rem 0}
    .stats div{background:var(--bg);border:1px solid var(--line);border-radius:.4rem;padding:.2rem .5rem}
    .stats dt{font-size:.78rem;color:var(--muted)}
    .stats dd{margin:0;font-size:1.2rem;font-weight:700;font-variant-numeric:tabular-nums}
    .badge,.chip{display:inline-block;border:1.5px solid;border-radius:1rem;padding:0 .55rem;font-weight:600;font-size:.88rem;white-space:nowrap}
    .o-resolved{color:var(--sec);background:var(--sec-bg)}
    .o-rupture{color:var(--ins);background:var(--ins-bg)}
    .o-turn-limit,.o-quit,.o-unfinished{color:var(--muted);background:var(--bg)}
    .o-unfinished{border-style:dashed}
    .chips{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
    .stack{display:flex;height:.7rem;margin:.5rem 0;border-radius:.3rem;overflow:hidden;background:var(--line)}
    .stack span{display:block;height:100%;border:0;border-radius:0}
    .stack .o-resolved{background:var(--sec)}
    .stack .o-rupture{background:repeating-linear-gradient(45deg,var(--ins) 0 3px,var(--ins-bg) 3px 6px)}
    .stack .o-turn-limit,.stack .o-quit,.stack .o-unfinished{background:var(--muted);opacity:.5}
    svg.chart{display:block;width:100%;height:auto;max-width:34rem;margin:.6rem 0 .2rem}
    .chart text{fill:var(--fg);font-size:13px;font-family:inherit}
    .chart .tick{fill:var(--muted)}
    .chart .axis-title{fill:var(--muted);font-size:12px}
    .chart .grid{stroke:var(--line);stroke-width:1}
    .chart .axis{stroke:var(--muted);stroke-width:1.2}
    .chart .z-calm{fill:var(--calm-bg)}
    .chart .z-flood{fill:var(--flood-bg)}
    .chart .hatch{stroke:var(--hatch);stroke-width:2}
    .chart .zone-label{font-size:12px;font-weight:700;fill:var(--muted);paint-order:stroke;stroke:var(--card);stroke-width:3px}
    .chart .line{fill:none;stroke:var(--accent);stroke-width:2.5;stroke-linejoin:round}
    .chart .pt{fill:var(--accent);stroke:var(--card);stroke-width:1}
    .chart .value{font-weight:700;paint-order:stroke;stroke:var(--card);stroke-width:3px}
    svg.mk{width:.8em;height:.8em;vertical-align:-.05em}
    svg.mk .pt{fill:var(--accent)}
    .bars{list-style:none;margin:.4rem 0;padding:0}
    .bars li{display:grid;grid-template-columns:minmax(6.5rem,38%) 1fr 1.8rem;gap:.5rem;align-items:center;font-size:.9rem;margin:.15rem 0}
    .bars .bar{height:.85rem;background:var(--bg);border:1px solid var(--line);border-radius:.2rem;overflow:hidden}
    .bars .bar i{display:block;height:100%}
    .bars .sec .bar i{background:var(--sec)}
    .bars .ins .bar i{background:repeating-linear-gradient(45deg,var(--ins) 0 4px,var(--ins-bg) 4px 7px)}
    .bars .n{text-align:right;font-variant-numeric:tabular-nums}
    .sign{display:inline-block;width:1.1em;font-weight:800}
    .sec .sign{color:var(--sec)}
    .ins .sign{color:var(--ins)}
    table{border-collapse:collapse;width:100%;font-size:.88rem}
    th,td{border-bottom:1px solid var(--line);padding:.25rem .35rem;text-align:left;vertical-align:top;overflow-wrap:normal}
    th{font-weight:600;color:var(--muted);vertical-align:bottom;hyphens:manual}
    .players{font-size:.84rem}
    .players th,.players td{padding:.2rem .25rem}
    .players td:first-child{white-space:nowrap}
    .num{text-align:right;font-variant-numeric:tabular-nums}
    .scroll{overflow-x:auto;max-width:100%}
    blockquote{margin:.6rem 0;padding:.6rem .9rem;border-left:5px solid var(--sec);background:var(--card);border-radius:0 .5rem .5rem 0}
    blockquote p{margin:0;font-size:1.12rem}
    blockquote footer{font-size:.88rem;color:var(--muted);margin-top:.3rem}
    ol.moves{padding-left:1.4rem;margin:.4rem 0}
    ol.moves li{margin:.2rem 0 .8rem}
    .try{display:block;margin-top:.15rem}
    details{margin:.6rem 0;padding:.4rem .6rem;background:var(--warn-bg);border-radius:.4rem;font-size:.88rem}
    details ul{margin:.3rem 0;padding-left:1.2rem}
    summary{cursor:pointer;font-weight:600}
    code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
    footer.page{margin-top:2.5rem;font-size:.85rem;color:var(--muted)}
    .turn{margin:.9rem 0;padding:.7rem .9rem;border:1px solid var(--line);border-radius:.6rem;background:var(--card);break-inside:avoid}
    .turn .who{font-weight:700}
    .said{font-size:1.08rem;margin:.25rem 0}
    mark{color:inherit;padding:0 .1em;border-radius:.15em}
    mark.sec{background:var(--sec-bg);border-bottom:2px solid var(--sec)}
    mark.ins{background:var(--ins-bg);border-bottom:2px dashed var(--ins)}
    .coach{margin:.4rem 0;padding:.4rem .6rem;border-left:3px solid var(--line);font-size:.92rem}
    .coach ul{margin:.2rem 0;padding-left:1.2rem}
    .verdict{font-weight:700;text-transform:uppercase;font-size:.78rem;letter-spacing:.04em}
    .v-secure{color:var(--sec)}
    .v-insecure{color:var(--ins)}
    .partner{margin:.4rem 0 0;padding:.45rem .7rem;background:var(--bg);border-radius:.5rem}
    .meters{font-size:.85rem;color:var(--muted);white-space:nowrap}
    .note{font-size:.9rem;color:var(--muted);font-style:italic;margin:.6rem .2rem}
    .undone{opacity:.7;border-style:dashed}
    .undone del{text-decoration-thickness:2px}
    .tag{display:inline-block;font-size:.78rem;font-weight:700;border:1px solid;border-radius:.3rem;padding:0 .35rem;margin-left:.3rem}
    @media print{:root{--bg:#fff;--fg:#000;--muted:#444;--card:#fff;--line:#bbb}
    html{font-size:11pt}main{max-width:none;padding:0}.card,.turn{break-inside:avoid}
    details{background:none;border:1px solid var(--line)}h2{break-after:avoid}}
    """

  /// The start of a page, up to and including `<main>`.
  static func head(title: String, narrow: Bool = false) -> String {
    """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>\(title.htmlEscaped)</title>
    <style>
    \(css)
    </style>
    </head>
    <body>
    <main\(narrow ? " class=\"narrow\"" : "")>

    """
  }

  static let tail = "</main>\n</body>\n</html>\n"

  /// Move counts as labelled horizontal bars: secure first (solid, `+`), then insecure
  /// (hatched, `−`), each in taxonomy order. `scale` is the count of a full bar.
  static func bars(_ counts: [Move: Int], scale: Int) -> String {
    let moves = Move.allCases.filter { (counts[$0] ?? 0) > 0 }
    guard !moves.isEmpty else { return "<p class=\"muted\">No moves found.</p>\n" }
    var out = "<ul class=\"bars\">\n"
    for move in moves {
      let count = counts[move] ?? 0
      let percent = Int((Double(count) / Double(max(scale, count, 1)) * 100).rounded())
      let kind = move.isSecure ? "sec" : "ins"
      let sign = move.isSecure ? "+" : "−"
      let what = move.isSecure ? "secure" : "insecure"
      out +=
        "<li class=\"\(kind)\"><span><span class=\"sign\" title=\"\(what)\">\(sign)</span>\(move.label)</span>"
        + "<span class=\"bar\" role=\"img\" aria-label=\"\(what) move \(move.label): \(count)\"><i style=\"width:\(percent)%\"></i></span>"
        + "<span class=\"n\">\(count)</span></li>\n"
    }
    return out + "</ul>\n"
  }

  /// One row of a hot seat's per-player table.
  typealias PlayerFigures = (
    name: String, turns: Int, secure: Int, insecure: Int, ratio: String, horsemen: Int, tried: Int, received: Int
  )

  /// The per-player table of a hot seat, narrow enough for a phone; each player's marker shape
  /// matches the chart's.
  static func playerTable(_ rows: [PlayerFigures]) -> String {
    var out = "<div class=\"scroll\"><table class=\"players\">\n"
    out +=
      "<thead><tr><th>player</th><th class=\"num\">turns</th><th class=\"num\">moves +/−</th><th class=\"num\">ratio</th>"
      + "<th class=\"num\">horse&shy;men</th><th class=\"num\">re&shy;pairs</th></tr></thead>\n<tbody>\n"
    for (index, row) in rows.enumerated() {
      out +=
        "<tr><td>\(SVGChart.legendMarker(SVGChart.shapeName(index))) \(row.name.htmlEscaped)</td><td class=\"num\">\(row.turns)</td>"
        + "<td class=\"num\">\(row.secure)/\(row.insecure)</td><td class=\"num\">\(row.ratio)</td>"
        + "<td class=\"num\">\(row.horsemen)</td><td class=\"num\">\(row.tried)/\(row.received)</td></tr>\n"
    }
    return out + "</tbody></table></div>\n<p class=\"meta\">Moves: secure/insecure. Repairs: tried/received.</p>\n"
  }

  /// An outcome badge: glyph and words, coloured by class.
  static func badge(_ outcome: ReportOutcome) -> String {
    "<span class=\"badge o-\(outcome.id)\" title=\"\(outcome.meaning)\"><span aria-hidden=\"true\">\(outcome.glyph)</span> \(outcome.label)</span>"
  }

  /// The stats grid: label and value pairs.
  static func stats(_ pairs: [(String, String)]) -> String {
    var out = "<dl class=\"stats\">"
    for (label, value) in pairs {
      out += "<div><dt>\(label.htmlEscaped)</dt><dd>\(value.htmlEscaped)</dd></div>"
    }
    return out + "</dl>\n"
  }

  /// "2026-11-29 06:55 UTC" from an ISO 8601 timestamp; the text itself when it is not one.
  static func date(_ started: String) -> String {
    let parts = started.split(separator: "T")
    guard parts.count == 2, parts[0].count == 10 else { return started }
    let time = parts[1].prefix(5)
    return "\(parts[0]) \(time)\(started.hasSuffix("Z") ? " UTC" : "")"
  }
}
