namespace Switchboard.Bot.Training;

/// <param name="AssistantId">config.yml's <c>assistant_id</c>, which Rasa puts in every event's metadata (null: not given).</param>
public sealed record BotConfig(string Language, NluSettings Nlu, PolicySettings Policies, string? AssistantId = null)
{
    /// <summary>The assistant id Rasa uses when config.yml names none.</summary>
    public const string PlaceholderAssistantId = "placeholder_default";

    public static BotConfig Default { get; } = new("en", NluSettings.Default, PolicySettings.Default);
}
