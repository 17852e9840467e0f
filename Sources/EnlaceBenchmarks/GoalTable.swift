/// How the sync benchmarks print their goals: a goal, its figure, the floor measured beside it
/// in the same run, and the ratio, in aligned columns.
enum GoalTable {
    static func line(_ goal: String, _ figure: String, _ floor: String, _ ratio: String) {
        print("  " + goal.padding(toLength: 60, withPad: " ", startingAt: 0) + figure.padding(toLength: 34, withPad: " ", startingAt: 0)
            + floor.padding(toLength: 38, withPad: " ", startingAt: 0) + ratio)
    }

    /// The column heads.
    static func heads() { line("goal", "figure", "floor (same run)", "ratio") }
}
