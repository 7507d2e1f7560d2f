namespace Switchboard.Bot.Domain;

/// <summary>Invalid training data or domain, located in its source as <c>file:line:column</c>.</summary>
public sealed class BotDataException(string source, int line, int column, string reason)
    : Exception($"{source}:{line}:{column}: {reason}")
{
    public string SourceName { get; } = source;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}
