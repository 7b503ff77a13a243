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
    guard render else { return }
    guard gnuplot.executable() != nil else { throw Gnuplot.GnuplotError.notInstalled }
    for f in report.figures {
      try gnuplot.render(scriptAt: folder + "/" + f.name + ".gp")
    }
  }
}
