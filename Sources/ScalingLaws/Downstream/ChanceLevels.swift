/// The chance level of the common multiple-choice tasks (`ladder --chance auto`): 1/choices, or
/// the majority class where a task has one (BoolQ: 62.2% "yes" in its validation set, Clark et
/// al. 2019). Keyed by the task's name as the column pattern's `*` gives it (`hellaswag` of
/// `hellaswag_acc`). Used only to fix a sigmoid's lower level on request, never to judge whether a
/// task is predictable.
public enum ChanceLevels {
  public static let known: [(task: String, chance: Double, why: String)] = [
    ("hellaswag", 0.25, "4 endings"),
    ("arc_easy", 0.25, "4 choices (a few questions have 3 or 5)"),
    ("arc_challenge", 0.25, "4 choices (a few questions have 3 or 5)"),
    ("openbookqa", 0.25, "4 choices"),
    ("sciq", 0.25, "4 choices"),
    ("mmlu", 0.25, "4 choices"),
    ("csqa", 0.2, "5 choices"),
    ("socialiqa", 1.0 / 3.0, "3 choices"),
    ("piqa", 0.5, "2 solutions"),
    ("winogrande", 0.5, "2 options"),
    ("copa", 0.5, "2 alternatives"),
    ("boolq", 0.622, "yes/no; the majority class (62.2% yes)"),
    ("lambada", 0, "open-ended: the next word"),
  ]

  /// The chance level of `task`: its name, or a column named after it (`hellaswag_acc`).
  public static func chance(task: String) -> Double? {
    let t = task.lowercased()
    if let k = known.first(where: { $0.task == t }) { return k.chance }
    return known.filter { t.hasPrefix($0.task + "_") }.max { $0.task.count < $1.task.count }?.chance
  }
}
