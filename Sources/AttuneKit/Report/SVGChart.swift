/// Small inline SVG charts for the HTML report and export: no scripts, no external references.
///
/// Each chart has a `viewBox` and no fixed size, so the page's CSS makes it `width: 100%` of its
/// box; the coordinate system is kept close to a phone's width so that 13-unit text stays about
/// 12 px on a phone and grows on a projector. Colours come from the page's CSS classes
/// (`HTMLStyleSheet`), so the charts follow its light and dark schemes.
public enum SVGChart {
  static let width = 360.0
  static let height = 214.0
  static let left = 40.0
  static let right = 34.0
  static let top = 10.0
  static let bottom = 46.0

  /// Marker shapes, one per player, so a hot seat's players are told apart without colour.
  static let shapes = ["circle", "square", "triangle", "diamond"]

  /// The marker shape for the player at `index` (cycling through four shapes).
  public static func shapeName(_ index: Int) -> String { shapes[index % shapes.count] }

  /// A line chart of the partner's arousal (0-100) over the replies, with the style's window of
  /// tolerance shaded when known.
  ///
  /// - Parameters:
  ///   - path: arousal after the opening, then after each reply.
  ///   - window: calm and flooded thresholds to shade; fixed grid lines only when nil.
  ///   - speakers: who said the reply behind each point after the first (for tooltips and markers).
  ///   - id: unique within the page, for the chart's pattern and title.
  public static func arousal(
    _ path: [Int], window: ToleranceWindow?, speakers: [String] = [], id: String
  ) -> String {
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    func y(_ value: Int) -> Double { top + plotHeight * (1 - Double(min(100, max(0, value))) / 100) }
    let last = max(1, path.count - 1)
    func x(_ index: Int) -> Double { left + plotWidth * Double(index) / Double(last) }

    let summary =
      path.isEmpty
      ? "No arousal recorded."
      : "Partner's arousal, from \(path[0]) to \(path[path.count - 1]), peak \(path.max() ?? 0), over \(path.count - 1) replies: \(path.map(String.init).joined(separator: ", "))."
    var svg = """
      <svg class="chart" viewBox="0 0 \(n(width)) \(n(height))" role="img" aria-labelledby="\(id)-t" \
      preserveAspectRatio="xMidYMid meet">\
      <title id="\(id)-t">\(summary.htmlEscaped)</title>
      """
    svg += "<defs><pattern id=\"\(id)-h\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"z-flood\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"hatch\"/></pattern></defs>"

    // Zones: calm below the window, flooded above it.
    if let window {
      let flood = y(window.floodedAt)
      let calm = y(window.calmBelow)
      svg += rect(left, y(100), plotWidth, flood - y(100), fill: "url(#\(id)-h)", cls: "zone")
      svg += rect(left, calm, plotWidth, y(0) - calm, cls: "z-calm")
      svg += text("flooded ≥\(window.floodedAt)", x: width - right - 4, y: y(100) + 14, anchor: "end", cls: "zone-label")
      svg += text("calm <\(window.calmBelow)", x: width - right - 4, y: y(0) - 5, anchor: "end", cls: "zone-label")
    }
    // Grid and y labels.
    for value in [0, 25, 50, 75, 100] {
      svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(value)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(value)))\" class=\"grid\"/>"
      svg += text(String(value), x: left - 6, y: y(value) + 4.5, anchor: "end", cls: "tick")
    }
    // X ticks: every reply when few, else about eight evenly spaced, always the last.
    let step = max(1, Int((Double(last) / 8).rounded(.up)))
    var ticks = Array(stride(from: 0, through: last, by: step))
    if ticks.last != last {
      if let final = ticks.last, last - final < step / 2 + 1, ticks.count > 1 { ticks.removeLast() }
      ticks.append(last)
    }
    for index in ticks where path.count > 1 || index == 0 {
      svg += "<line x1=\"\(n(x(index)))\" y1=\"\(n(y(0)))\" x2=\"\(n(x(index)))\" y2=\"\(n(y(0) + 4))\" class=\"axis\"/>"
      svg += text(String(index), x: x(index), y: y(0) + 17, anchor: "middle", cls: "tick")
    }
    svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(0)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(0)))\" class=\"axis\"/>"
    svg += text("reply (0 = opening)", x: left + plotWidth / 2, y: height - 8, anchor: "middle", cls: "axis-title")
    svg += "<text x=\"13\" y=\"\(n(top + plotHeight / 2))\" text-anchor=\"middle\" class=\"axis-title\" transform=\"rotate(-90 13 \(n(top + plotHeight / 2)))\">arousal</text>"

    // The line, its points and the first and last values.
    if path.count > 1 {
      let points = path.indices.map { "\(n(x($0))),\(n(y(path[$0])))" }.joined(separator: " ")
      svg += "<polyline points=\"\(points)\" class=\"line\"/>"
    }
    var players: [String] = []
    for speaker in speakers where !players.contains(speaker) { players.append(speaker) }
    let marked = players.count > 1
    for (index, value) in path.enumerated() {
      let speaker = index == 0 ? "opening" : index - 1 < speakers.count ? speakers[index - 1] : nil
      let label = index == 0 ? "opening: \(value)" : "reply \(index)\(speaker.map { " (\($0))" } ?? ""): \(value)"
      let shape = marked && index > 0 ? players.firstIndex(of: speaker ?? "").map(shapeName) ?? "circle" : "circle"
      svg += marker(shape, x: x(index), y: y(value), title: label)
    }
    if let first = path.first {
      svg += text(String(first), x: x(0) + 6, y: labelY(y(first)), anchor: "start", cls: "value")
    }
    if path.count > 1, let final = path.last {
      // Right of the last point, in the margin, clear of the zone labels inside the plot.
      svg += text(String(final), x: x(path.count - 1) + 7, y: y(final) + 4.5, anchor: "start", cls: "value")
    }
    svg += "</svg>"
    return svg
  }

  /// A value label sits above its point, or below it near the top edge.
  private static func labelY(_ pointY: Double) -> Double {
    pointY - 9 < top + 12 ? pointY + 19 : pointY - 9
  }

  static func marker(_ shape: String, x: Double, y: Double, title: String) -> String {
    let tip = "<title>\(title.htmlEscaped)</title>"
    switch shape {
    case "square":
      return "<rect x=\"\(n(x - 4))\" y=\"\(n(y - 4))\" width=\"8\" height=\"8\" class=\"pt\">\(tip)</rect>"
    case "triangle":
      return "<polygon points=\"\(n(x)),\(n(y - 5)) \(n(x + 5)),\(n(y + 4)) \(n(x - 5)),\(n(y + 4))\" class=\"pt\">\(tip)</polygon>"
    case "diamond":
      return "<polygon points=\"\(n(x)),\(n(y - 5.5)) \(n(x + 5.5)),\(n(y)) \(n(x)),\(n(y + 5.5)) \(n(x - 5.5)),\(n(y))\" class=\"pt\">\(tip)</polygon>"
    default:
      return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4\" class=\"pt\">\(tip)</circle>"
    }
  }

  /// A small standalone marker (for legends in HTML).
  public static func legendMarker(_ shape: String) -> String {
    "<svg class=\"mk\" viewBox=\"0 0 12 12\" aria-hidden=\"true\">"
      + marker(shape, x: 6, y: 6.5, title: shape).replacingOccurrences(of: "<title>\(shape)</title>", with: "")
      + "</svg>"
  }

  private static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String? = nil, cls: String) -> String {
    let fillAttribute = fill.map { " fill=\"\($0)\"" } ?? ""
    return "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(max(0, h)))\" class=\"\(cls)\"\(fillAttribute)/>"
  }

  private static func text(_ content: String, x: Double, y: Double, anchor: String, cls: String) -> String {
    "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" class=\"\(cls)\">\(content.htmlEscaped)</text>"
  }

  /// A coordinate with at most one decimal, no trailing `.0`.
  static func n(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }
}
