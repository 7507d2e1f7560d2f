namespace Switchboard.Bot.Dialogue;

/// <summary>
/// What the policies see before predicting one action: the previous action, the latest user message's intent
/// (or, for a user turn featurised end-to-end, its <see cref="Text"/>) and entities, the featurised slots and the
/// active loop.
/// </summary>
public sealed record DialogueState(
    string? PreviousAction,
    string? Intent,
    IReadOnlyList<string> Entities,
    IReadOnlyDictionary<string, string> Slots,
    string? ActiveLoop,
    string? Text = null)
{
    public bool AfterUser => PreviousAction == Switchboard.Bot.Domain.DefaultNames.ActionListen && (Intent is not null || Text is not null);

    /// <summary>A canonical text form, used as the memoization key.</summary>
    public string Key(Func<string, bool> slotFilter) =>
        $"{PreviousAction}|{Intent}|{string.Join(',', Entities.Order(StringComparer.Ordinal))}|{string.Join(',', Slots.Where(s => slotFilter(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "=" + s.Value))}|{ActiveLoop}"
        + (Text is null ? "" : TextKey + Text);

    /// <summary>Marks the user text in a <see cref="Key"/>.</summary>
    public const string TextKey = "|text=";
}
