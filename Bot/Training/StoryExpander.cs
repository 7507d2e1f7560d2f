namespace Switchboard.Bot.Training;

/// <summary>
/// Turns stories with <c>or</c> and checkpoints into plain step sequences: each alternative becomes its own
/// sequence and a story ending in a checkpoint continues with every story that starts from it.
/// </summary>
public static class StoryExpander
{
    private const int MaxPerStory = 64;

    public static IReadOnlyList<(string Name, IReadOnlyList<StoryStep> Steps)> Expand(IReadOnlyList<StoryBlock> stories)
    {
        var byStart = stories
            .Where(s => s.Steps.Count > 0 && s.Steps[0] is CheckpointStep)
            .GroupBy(s => ((CheckpointStep)s.Steps[0]).Name)
            .ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<(string, IReadOnlyList<StoryStep>)>();
        foreach (var story in stories.Where(s => s.Steps.Count == 0 || s.Steps[0] is not CheckpointStep))
        {
            foreach (var path in Paths(story.Steps, byStart, depth: 0).Take(MaxPerStory))
            {
                result.Add((story.Name, path));
            }
        }

        return result;
    }

    private static IEnumerable<List<StoryStep>> Paths(IReadOnlyList<StoryStep> steps, Dictionary<string, List<StoryBlock>> byStart, int depth)
    {
        IEnumerable<List<StoryStep>> partial = [[]];
        foreach (var step in steps)
        {
            switch (step)
            {
                case OrStep or:
                    partial = partial.SelectMany(p => or.Alternatives.Select(a => new List<StoryStep>(p) { a }));
                    break;
                case CheckpointStep checkpoint when step != steps[0]:
                    if (depth < 8 && byStart.TryGetValue(checkpoint.Name, out var continuations))
                    {
                        var tails = continuations.SelectMany(c => Paths(c.Steps, byStart, depth + 1)).ToList();
                        partial = partial.SelectMany(p => tails.Select(t => new List<StoryStep>(p.Concat(t))));
                    }

                    break;
                case CheckpointStep:
                    break;
                default:
                    partial = partial.Select(p => new List<StoryStep>(p) { step });
                    break;
            }
        }

        return partial;
    }
}
