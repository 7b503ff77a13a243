import Foundation

/// One downstream task of a model ladder: its metric column and the task-loss column the metric
/// is predicted through. ``expand(metric:taskLoss:header:file:)`` turns column patterns such as
/// `*_acc` and `*_bpb` into one task per matching metric column, so one command (or one report)
/// runs the ladder for every task of a file.
public struct TaskColumns: Sendable, Equatable {
  /// The part of the column name the `*` stood for (the whole metric column without a pattern).
  public var task: String
  public var metric: String
  public var taskLoss: String

  public init(task: String, metric: String, taskLoss: String) {
    self.task = task
    self.metric = metric
    self.taskLoss = taskLoss
  }

  /// A pattern that matches nothing, or a metric whose task-loss column is missing.
  public struct PatternError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Whether a column name is a pattern (holds one `*`).
  public static func isPattern(_ s: String) -> Bool { s.contains("*") }

  /// The tasks of `header` for a metric column (or pattern with one `*`) and a task-loss column
  /// (or pattern; its `*` takes the metric's stem). In the header's order; a literal metric gives
  /// one task.
  public static func expand(metric: String, taskLoss: String, header: [String], file: String) throws -> [TaskColumns] {
    for (p, setting) in [(metric, OptionName.metricColumn), (taskLoss, OptionName.taskLossColumn)]
    where p.filter({ $0 == "*" }).count > 1 {
      throw PatternError(description: "\(setting) '\(p)': a column pattern holds one '*' (e.g. '*_acc')")
    }
    guard isPattern(metric) else {
      if isPattern(taskLoss) {
        throw PatternError(description: "\(OptionName.taskLossColumn) '\(taskLoss)' is a pattern but \(OptionName.metricColumn) '\(metric)' is one column: give both as patterns (e.g. '*_bpb' and '*_acc') or both as columns")
      }
      return [TaskColumns(task: metric, metric: metric, taskLoss: taskLoss)]
    }
    let parts = metric.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    let (prefix, suffix) = (parts[0], parts[1])
    var tasks: [TaskColumns] = []
    for name in header where name.count > prefix.count + suffix.count && name.hasPrefix(prefix) && name.hasSuffix(suffix) {
      let stem = String(name.dropFirst(prefix.count).dropLast(suffix.count))
      let loss = taskLoss.replacingOccurrences(of: "*", with: stem)
      guard header.contains(loss) else {
        throw PatternError(description: "\(file): the metric column '\(name)' (\(OptionName.metricColumn) '\(metric)') has no task-loss column '\(loss)' (\(OptionName.taskLossColumn) '\(taskLoss)')")
      }
      tasks.append(TaskColumns(task: stem, metric: name, taskLoss: loss))
    }
    guard !tasks.isEmpty else {
      throw PatternError(description: "\(file): \(OptionName.metricColumn) '\(metric)' matches no column (columns: \(header.joined(separator: ", ")))")
    }
    return tasks
  }
}
