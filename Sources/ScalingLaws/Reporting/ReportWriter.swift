import Foundation

/// Writes a ``Report`` into a folder (each file atomically) and renders its figures.
public struct ReportWriter: Sendable {
  public var gnuplot = Gnuplot()

  public init() {}

  /// Writes every text file, then renders each figure unless `render` is false.
  /// Throws ``Gnuplot/GnuplotError`` after writing the scripts when gnuplot is missing or fails.
  public func write(_ report: Report, to folder: String, render: Bool) throws {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw AtomicFile.WriteError(path: folder, reason: "cannot create the folder")
    }
    for (name, text) in report.files {
      try AtomicFile.write(text, to: folder + "/" + name)
    }
    removeStaleFigures(report, in: folder)
    guard render else { return }
    guard gnuplot.executable() != nil else { throw Gnuplot.GnuplotError.notInstalled }
    for f in report.figures {
      try gnuplot.render(scriptAt: folder + "/" + f.name + ".gp")
    }
  }

  /// Figures an earlier report wrote to this folder and this one does not (a changed law or
  /// data): their NAME.gp starts with this tool's header, and NAME.gp, .png and .svg go, so that
  /// the folder holds only what report.md shows. Other files are left alone.
  func removeStaleFigures(_ report: Report, in folder: String) {
    let current = Set(report.figures.map { $0.name })
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return }
    for file in names where file.hasSuffix(".gp") {
      let name = String(file.dropLast(3))
      guard !current.contains(name),
        let head = fm.contents(atPath: folder + "/" + file).map({ String(decoding: $0.prefix(200), as: UTF8.self) }),
        head.hasPrefix(GnuplotScript.header(name))
      else { continue }
      for ext in [".gp", ".png", ".svg"] { try? fm.removeItem(atPath: folder + "/" + name + ext) }
    }
  }
}
