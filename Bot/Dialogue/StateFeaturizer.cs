using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// Sparse features of the last <c>maxHistory</c> states for the learned policy: per position the previous
/// action, intent, entities, influential slots and active loop, plus conjunctions for the current state.
/// <paramref name="textRecall"/> holds the user texts of end-to-end story turns (<see cref="TextKey"/>) with the
/// action that followed each.
/// </summary>
public sealed class StateFeaturizer(int maxHistory, IReadOnlyDictionary<string, int> index, IReadOnlyDictionary<string, string>? textRecall = null)
{
    public int MaxHistory { get; } = maxHistory;

    public IReadOnlyDictionary<string, int> Index { get; } = index;

    public IReadOnlyDictionary<string, string> TextRecall { get; } = textRecall ?? new Dictionary<string, string>();

    /// <summary>A user turn written as text, after the action before it (case and outer spaces ignored).</summary>
    public static string TextKey(DialogueState state) => state.PreviousAction + "|" + state.Text!.Trim().ToLowerInvariant();

    public int Dimension => Index.Count;

    public static IEnumerable<string> Names(IReadOnlyList<DialogueState> states, int count, int maxHistory, BotDomain domain)
    {
        for (var k = 0; k < maxHistory; k++)
        {
            var i = count - 1 - k;
            if (i < 0)
            {
                yield return $"t{k}:pad";
                yield break;
            }

            var s = states[i];
            yield return $"t{k}p:{s.PreviousAction}";
            if (s.Intent is not null)
            {
                yield return $"t{k}i:{s.Intent}";
            }

            if (s.AfterUser)
            {
                yield return $"t{k}u";
            }

            foreach (var e in s.Entities)
            {
                yield return $"t{k}e:{e}";
            }

            foreach (var (slot, value) in s.Slots)
            {
                if (domain.Slots.TryGetValue(slot, out var d) && d.InfluenceConversation)
                {
                    yield return $"t{k}s:{slot}={value}";
                }
            }

            yield return $"t{k}l:{s.ActiveLoop}";
            if (k == 0)
            {
                yield return $"c:p={s.PreviousAction}&i={s.Intent}";
                yield return $"c:p={s.PreviousAction}&l={s.ActiveLoop}";
                yield return $"c:u={s.AfterUser}&i={s.Intent}&l={s.ActiveLoop}";
            }
        }
    }

    public float[] Vector(IReadOnlyList<DialogueState> states, int count, BotDomain domain)
    {
        var vector = new float[Dimension];
        foreach (var name in Names(states, count, MaxHistory, domain))
        {
            if (Index.TryGetValue(name, out var i))
            {
                vector[i] = 1;
            }
        }

        return vector;
    }
}
