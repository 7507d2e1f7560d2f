namespace Switchboard.Bot.Dialogue;

/// <summary>
/// A session's dialogue states as a prediction sees them: <see cref="Count"/> is the number of all of them, but
/// only those from <paramref name="first"/> on are built; reading an earlier one is a policy that under-declared
/// its <see cref="IDialoguePolicy.Lookback"/>.
/// </summary>
public sealed class RecentStates(int count, int first, IReadOnlyList<DialogueState> built) : IReadOnlyList<DialogueState>
{
    public int Count { get; } = count;

    public DialogueState this[int index] => index >= first && index < Count
        ? built[index - first]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"only states {first}..{Count - 1} were built");

    /// <summary>Enumerates the built states only.</summary>
    public IEnumerator<DialogueState> GetEnumerator() => built.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
