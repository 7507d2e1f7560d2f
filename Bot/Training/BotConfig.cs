namespace Switchboard.Bot.Training;

public sealed record BotConfig(string Language, NluSettings Nlu, PolicySettings Policies)
{
    public static BotConfig Default { get; } = new("en", NluSettings.Default, PolicySettings.Default);
}
