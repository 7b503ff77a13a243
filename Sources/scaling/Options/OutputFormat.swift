import ArgumentParser

/// `--format` of predict and ladder.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, csv
}

/// `--format` of fit: the three formats and JSON Lines for batches (``FitBatch``).
enum FitOutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, jsonl, csv
}
