namespace Switchboard.Bot.Dialogue;

/// <summary>
/// The part of a state a rule cares about: only what the rule mentions must match. A slot value of
/// <see cref="None"/> (and an active loop of <see cref="None"/>) means "must not be set".
/// </summary>
public sealed record RuleState(
    string? PreviousAction,
    string? Intent,
    IReadOnlyList<string> Entities,
    IReadOnlyDictionary<string, string> Slots,
    string? ActiveLoop)
{
    public const string None = "\u2205";

    public bool Matches(DialogueState state)
    {
        if (PreviousAction is not null && PreviousAction != state.PreviousAction)
        {
            return false;
        }

        if (Intent is not null && (!state.AfterUser || Intent != state.Intent))
        {
            return false;
        }

        if (Entities.Any(e => !state.Entities.Contains(e)))
        {
            return false;
        }

        foreach (var (slot, value) in Slots)
        {
            var actual = state.Slots.GetValueOrDefault(slot);
            if (value == None ? actual is not null : actual != value)
            {
                return false;
            }
        }

        return ActiveLoop is null || (ActiveLoop == None ? state.ActiveLoop is null : ActiveLoop == state.ActiveLoop);
    }
}
