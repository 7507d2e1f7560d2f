namespace Switchboard.Bot.Nlu;

/// <summary>A word of a message with its character span.</summary>
public readonly record struct Token(string Text, int Start, int End)
{
    public string Lower => Text.ToLowerInvariant();
}
