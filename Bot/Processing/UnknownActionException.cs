namespace Switchboard.Bot.Processing;

/// <summary>An action the loaded model does not have (answered with 400).</summary>
public sealed class UnknownActionException(string action)
    : Exception($"Action '{action}' is not in the domain of the loaded model.")
{
    public string Action { get; } = action;
}
